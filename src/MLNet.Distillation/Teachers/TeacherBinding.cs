using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A teacher checked against one input schema: it knows its class count and can score blocks of rows of data
/// with that schema. Created by <see cref="Teacher.Bind"/>, which is where every schema error is raised.
/// </summary>
internal abstract class TeacherBinding
{
    /// <summary>Number of logits per row.</summary>
    public abstract int ClassCount { get; }

    /// <summary>
    /// Values per row of each intermediate output the teacher emits besides its logits (TeacherScore's
    /// <c>IntermediateOutputs</c>), in the order they were asked for; empty when none.
    /// </summary>
    public virtual IReadOnlyList<int> IntermediateWidths => [];

    /// <summary>Values per row a reader writes: the logits, then each intermediate output.</summary>
    public int RowWidth => ClassCount + IntermediateWidths.Sum();

    /// <summary>Class names in logit order when the teacher knows them (for the SlotNames annotation), else null.</summary>
    public virtual ReadOnlyMemory<char>[]? ClassNames => null;

    /// <summary>
    /// Whether what the teacher's output holds (logits or probabilities) was stated (an option, or a convention such as
    /// ML.NET's column names); false for an ONNX teacher whose <see cref="OnnxTeacherOptions.OutputKind"/> is unset, whose
    /// outputs the trainer then refuses when they are plainly probabilities.
    /// </summary>
    public virtual bool OutputKindStated => true;

    /// <summary>The input columns the teacher reads; null when unknown (an ML.NET model may read any of them).</summary>
    public virtual IReadOnlyList<DataViewSchema.Column>? InputColumns => null;

    /// <summary>
    /// The cursor over <paramref name="input"/> that reads <paramref name="needed"/> and the fingerprint columns, with the
    /// fingerprint of its current row.
    /// </summary>
    protected static (DataViewRowCursor Cursor, RowFingerprint Fingerprint) OpenCursor(IDataView input, IEnumerable<DataViewSchema.Column> needed,
        IReadOnlyList<DataViewSchema.Column> fingerprintColumns)
    {
        var cursor = input.GetRowCursor(needed.Concat(fingerprintColumns).DistinctBy(c => c.Index).Select(c => input.Schema[c.Index]));
        return (cursor, new RowFingerprint(cursor, fingerprintColumns));
    }

    /// <summary>
    /// Opens a reader over <paramref name="input"/> (whose schema is the bound one), positioned before the first row, that
    /// fingerprints <paramref name="fingerprintColumns"/> of every row it reads (<see cref="RowFingerprint"/>).
    /// </summary>
    public abstract TeacherBlockReader CreateReader(IDataView input, IReadOnlyList<DataViewSchema.Column> fingerprintColumns);
}

/// <summary>
/// Reads teacher logits block by block in the input's row order. Each reader owns its own cursor over the
/// input, so the main cursor's consumers never wait on or see the teacher's reads.
/// </summary>
internal abstract class TeacherBlockReader : IDisposable
{
    /// <summary>
    /// Scores up to <paramref name="rows"/> rows following the current position into <paramref name="logits"/>
    /// (row-major, <see cref="TeacherBinding.RowWidth"/> per row: the logits, then the intermediate outputs), their row
    /// ids into <paramref name="ids"/> and the fingerprints of the values the
    /// teacher read into <paramref name="fingerprints"/>; returns how many rows were read.
    /// </summary>
    public abstract int Read(int rows, Span<float> logits, Span<DataViewRowId> ids, Span<ulong> fingerprints);

    /// <summary>Moves past <paramref name="rows"/> rows without scoring them; false when the input ends first.</summary>
    public abstract bool Skip(long rows);

    /// <inheritdoc />
    public abstract void Dispose();

    /// <summary>Moves <paramref name="cursor"/> past <paramref name="rows"/> rows; false when it ends first.</summary>
    protected static bool SkipRows(DataViewRowCursor cursor, long rows)
    {
        for (long i = 0; i < rows; i++)
            if (!cursor.MoveNext())
                return false;
        return true;
    }
}
