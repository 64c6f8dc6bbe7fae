using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Estimator for <c>mlContext.Transforms.TeacherScore(...)</c>: appends the teacher's logits as a float-vector column.
/// Nothing is learned; <see cref="Fit"/> checks the schema and returns the transformer.
/// </summary>
public sealed class TeacherScoringEstimator : IEstimator<TeacherScoringTransformer>
{
    /// <summary>Options of <see cref="TeacherScoringEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>The teacher that scores the rows.</summary>
        public Teacher? Teacher { get; set; }

        /// <summary>The column to append, a float vector with one logit per class. Default <c>TeacherLogits</c>.</summary>
        public string OutputColumnName { get; set; } = DefaultColumnNames.TeacherLogits;

        /// <summary>
        /// Rows scored per teacher call. Default 64: larger blocks amortise per-call cost, but past 128 rows a small CNN's
        /// activations stop fitting in cache (the Fashion-MNIST benchmark's sweep).
        /// </summary>
        public int BatchSize { get; set; } = Defaults.TeacherBatchSize;

        /// <summary>
        /// A folder in which to keep the teacher's outputs between fits; null scores every time. With a cache, Transform
        /// scores the whole data once (or finds an earlier file) instead of scoring lazily. Files are keyed by the teacher's
        /// fingerprint and the input values in order, so another teacher, other data or another row order never reuses them;
        /// each file carries a checksum and every row's fingerprint, checked whenever it is read.
        /// </summary>
        public string? CacheDirectory { get; set; }

        /// <summary>
        /// Intermediate tensors of the teacher to append as columns too, for feature and relation losses on a hidden layer
        /// (a loss term's <see cref="LossTerm.TeacherColumn"/>): output column name → the teacher's name of the tensor. An
        /// ONNX teacher emits any node output (added to the graph's outputs when it is not one; a name it lacks is refused
        /// with a list of its node outputs); an ML.NET teacher any Single or Single-vector column of its output. Each
        /// becomes a Single vector of the tensor's values per row, flattened (a [C, H, W] feature map gives C·H·W values).
        /// The teacher runs once per block for all of them. Ensembles cannot emit intermediate outputs. Null (the default): none.
        /// </summary>
        public IReadOnlyDictionary<string, string>? IntermediateOutputs { get; set; }

        /// <summary>
        /// What to do with a cache file that is damaged, truncated or holds other rows: false (default) recomputes it with a
        /// warning in the context's log naming the file; true makes it an error.
        /// </summary>
        public bool FailOnDamagedCache { get; set; }
    }

    private readonly Options _options;
    private readonly IHostEnvironment? _environment;

    internal TeacherScoringEstimator(Options options, IHostEnvironment? environment = null)
    {
        _environment = environment;
        ArgumentNullException.ThrowIfNull(options);
        if (options.Teacher is null)
            throw new ArgumentNullException(nameof(options), $"{nameof(Options)}.{nameof(Options.Teacher)} must be set.");
        ArgumentException.ThrowIfNullOrEmpty(options.OutputColumnName, $"{nameof(Options)}.{nameof(Options.OutputColumnName)}");
        if (options.BatchSize is <= 0 or > Defaults.MaxTeacherBatchSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(Options)}.{nameof(Options.BatchSize)} must be between 1 and {Defaults.MaxTeacherBatchSize:N0}, not {options.BatchSize:N0}.");
        foreach (var (column, tensor) in options.IntermediateOutputs ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(column) || string.IsNullOrEmpty(tensor))
                throw new ArgumentException($"{nameof(Options)}.{nameof(Options.IntermediateOutputs)} maps '{column}' to '{tensor}'; both the column and the teacher's tensor must be named.", nameof(options));
            if (column == options.OutputColumnName)
                throw new ArgumentException($"{nameof(Options)}.{nameof(Options.IntermediateOutputs)} names column '{column}', which is already the logits column ({nameof(Options.OutputColumnName)}).", nameof(options));
        }
        // A private copy: changing the options object afterwards cannot change this estimator.
        _options = new Options
        {
            Teacher = options.Teacher, OutputColumnName = options.OutputColumnName, BatchSize = options.BatchSize,
            CacheDirectory = options.CacheDirectory, FailOnDamagedCache = options.FailOnDamagedCache,
            IntermediateOutputs = options.IntermediateOutputs?.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(),
        };
    }

    /// <summary>Checks the data against the teacher and returns the scoring transformer.</summary>
    /// <param name="input">The training data (only its schema is read).</param>
    public TeacherScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_options.CacheDirectory is string folder && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{nameof(Options)}.{nameof(Options.CacheDirectory)} '{folder}' does not exist.");
        var transformer = new TeacherScoringTransformer(_options.Teacher!, _options.OutputColumnName, _options.BatchSize, _options.CacheDirectory,
            _options.FailOnDamagedCache, _environment, _options.IntermediateOutputs);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <summary>
    /// The input shape plus the teacher column; throws naming the column when the teacher's input column is missing or
    /// of the wrong type.
    /// </summary>
    /// <param name="inputSchema">The shape of the data.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _options.Teacher!.CheckInputShape(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(_options.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, 1));
        foreach (var column in _options.IntermediateOutputs?.Keys ?? [])
            builder.AddColumn(column, new VectorDataViewType(NumberDataViewType.Single, 1));
        return SchemaShapes.Append(inputSchema, builder.ToSchema());
    }
}
