using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Appends the teacher's outputs to the data. The column is lazy: nothing is scored until a cursor reads it, and then
/// rows are scored in blocks of <see cref="BatchSize"/>. A teacher is needed for training only, so the stage stays out of
/// the way afterwards: in a PredictionEngine it passes rows through (its column is declared but not computed), and
/// <c>mlContext.Model.Save</c> writes it as an empty stage, so a saved pipeline reloads as its student alone.
/// <see cref="ModelExtensions.Student"/> drops it explicitly.
/// </summary>
public sealed class TeacherScoringTransformer : ITransformer, IDisposable
{
    private readonly IHostEnvironment? _environment;

    internal TeacherScoringTransformer(Teacher teacher, string outputColumnName, int batchSize, string? cacheDirectory = null,
        bool failOnDamagedCache = false, IHostEnvironment? environment = null, IReadOnlyDictionary<string, string>? intermediateOutputs = null)
    {
        IntermediateOutputs = intermediateOutputs ?? new Dictionary<string, string>();
        // The teacher as it runs here: emitting the intermediate tensors too, so one run per block serves every column.
        _scoring = IntermediateOutputs.Count == 0 ? teacher : teacher.WithIntermediateOutputs(IntermediateOutputs.Values.ToArray());
        _environment = environment;
        FailOnDamagedCache = failOnDamagedCache;
        CacheDirectory = cacheDirectory;
        Teacher = teacher;
        OutputColumnName = outputColumnName;
        BatchSize = batchSize;
        _fingerprint = new Lazy<string>(_scoring.Fingerprint);
    }

    // The teacher that scores (Teacher itself, or a copy that also emits the intermediate outputs).
    private readonly Teacher _scoring;

    // The teacher's digest, for the column's annotation: computed once (it hashes the model's bytes).
    private readonly Lazy<string> _fingerprint;

    /// <summary>The teacher that scores the rows.</summary>
    public Teacher Teacher { get; }

    /// <summary>The appended logits column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The appended intermediate-output columns: column name → the teacher's name of the tensor (empty when none).</summary>
    public IReadOnlyDictionary<string, string> IntermediateOutputs { get; }

    /// <summary>Rows scored per teacher call.</summary>
    public int BatchSize { get; }

    /// <summary>The folder holding cached teacher outputs, or null.</summary>
    public string? CacheDirectory { get; }

    /// <summary>Whether a damaged or mismatched cache file is an error (true) or is recomputed with a warning (false).</summary>
    public bool FailOnDamagedCache { get; }

    /// <summary>True: for single-row prediction the stage passes rows through (the teacher column cannot be read there).</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the logits column (with SlotNames when the teacher knows its class names).</summary>
    /// <param name="inputSchema">The schema of the data to score.</param>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return TeacherScoredDataView.BuildSchema(inputSchema, _scoring.Bind(inputSchema), OutputColumnName, IntermediateOutputs.Keys.ToArray(),
            _fingerprint.Value);
    }

    /// <summary>
    /// A row mapper that passes the input columns through and declares the teacher column without computing it: what a
    /// PredictionEngine over the whole fitted pipeline needs. Reading the teacher column from it is an error.
    /// </summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new TeacherRowMapper(inputSchema, GetOutputSchema(inputSchema), _scoring.Description);
    }

    /// <summary>Returns a lazy view of <paramref name="input"/> with the teacher's logits appended.</summary>
    /// <param name="input">The data to score.</param>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var binding = _scoring.Bind(input.Schema);
        var fingerprintColumns = RowFingerprint.Columns(input.Schema, binding.InputColumns);
        if (CacheDirectory is not null)
        {
            using var channel = _environment?.Register(nameof(TeacherScoringTransformer)).Start("Teacher cache");
            binding = TeacherOutputCache.Bind(_scoring, binding, input, fingerprintColumns, CacheDirectory, BatchSize, channel, FailOnDamagedCache);
        }
        return new TeacherScoredDataView(input, binding, OutputColumnName, IntermediateOutputs.Keys.ToArray(), BatchSize, fingerprintColumns,
            _fingerprint.Value);
    }

    /// <summary>
    /// Saves the stage as an empty ML.NET chain (an identity stage): the teacher is needed for training only, so a saved
    /// pipeline reloads without it and without its column. <c>mlContext.Distillation.SaveStudent</c> drops the stage altogether.
    /// </summary>
    /// <param name="ctx">ML.NET's save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)new TransformerChain<ITransformer>()).Save(ctx);

    /// <summary>Releases the teacher's native resources.</summary>
    public void Dispose()
    {
        if (!ReferenceEquals(_scoring, Teacher))
            _scoring.Dispose();
        Teacher.Dispose();
    }
}
