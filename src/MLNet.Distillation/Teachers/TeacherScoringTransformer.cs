using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Appends the teacher's logits to the data. The column is lazy: nothing is scored until a cursor reads it,
/// and then rows are scored in blocks of <see cref="BatchSize"/>. Teacher stages exist for training only:
/// they are not saved with a model (see <see cref="ModelExtensions.Student"/>).
/// </summary>
public sealed class TeacherScoringTransformer : ITransformer, IDisposable
{
    internal TeacherScoringTransformer(Teacher teacher, string outputColumnName, int batchSize, string? cacheDirectory = null)
    {
        CacheDirectory = cacheDirectory;
        Teacher = teacher;
        OutputColumnName = outputColumnName;
        BatchSize = batchSize;
    }

    /// <summary>The teacher that scores the rows.</summary>
    public Teacher Teacher { get; }

    /// <summary>The appended logits column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Rows scored per teacher call.</summary>
    public int BatchSize { get; }

    /// <summary>The folder holding cached teacher logits, or null.</summary>
    public string? CacheDirectory { get; }

    /// <summary>False: a teacher stage scores whole data views (in blocks), not single rows.</summary>
    public bool IsRowToRowMapper => false;

    /// <summary>The input schema plus the logits column (with SlotNames when the teacher knows its class names).</summary>
    /// <param name="inputSchema">The schema of the data to score.</param>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return TeacherScoredDataView.BuildSchema(inputSchema, Teacher.Bind(inputSchema), OutputColumnName);
    }

    /// <summary>Not supported: teacher stages score blocks of rows. Use the student for single-row prediction.</summary>
    /// <param name="inputSchema">Unused.</param>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        => throw new NotSupportedException("A teacher stage scores data in blocks and has no row-to-row mapper; " +
            "build prediction engines from model.Student(), which drops the teacher stages.");

    /// <summary>Returns a lazy view of <paramref name="input"/> with the teacher's logits appended.</summary>
    /// <param name="input">The data to score.</param>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var binding = Teacher.Bind(input.Schema);
        if (CacheDirectory is not null)
            binding = TeacherOutputCache.Bind(Teacher, binding, input, CacheDirectory, BatchSize);
        return new TeacherScoredDataView(input, binding, OutputColumnName, BatchSize);
    }

    /// <summary>Always throws: teachers are needed for training only and are not saved. Save <c>model.Student()</c> instead.</summary>
    /// <param name="ctx">Unused.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException($"The teacher stage ({Teacher.Description}) is only needed for training and is not saved with a model. " +
            "Save model.Student() (from MLNet.Distillation.ModelExtensions), which drops the teacher stages.");

    /// <summary>Releases the teacher's native resources.</summary>
    public void Dispose() => Teacher.Dispose();
}
