using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// The training data copied once per Fit into row-major chunks (<see cref="FloatRows"/>): the features, the label per row
/// and, when given, the teacher's outputs. One sequential pass reads every column, so a teacher column is scored exactly
/// once per Fit. The features are held once: batches are gathered from these chunks, never from a second copy. Wide,
/// mostly-zero features (text) are held as their non-zeros only (<see cref="SparseFeatures"/>) and never densified.
/// </summary>
internal sealed class TrainingTable
{
    public required int FeatureCount { get; init; }
    /// <summary>Teacher outputs per row (the student's outputs per row).</summary>
    public required int OutputCount { get; init; }
    /// <summary>The features row by row, or null when they are held sparse (<see cref="SparseFeatures"/>).</summary>
    public required FloatRows? Features { get; init; }
    /// <summary>The features as non-zeros only, or null when they are held dense (<see cref="Features"/>).</summary>
    public SparseRows? SparseFeatures { get; init; }
    /// <summary>The label per row as the task reads it (0-based class index or value); NaN for a row kept without label.</summary>
    public required Growable<float> Labels { get; init; }
    /// <summary>Teacher outputs, <see cref="OutputCount"/> per row, or null without a teacher column.</summary>
    public required FloatRows? TeacherLogits { get; init; }
    /// <summary>The other teacher columns the loss terms read (intermediate outputs), in the read spec's order; empty when none.</summary>
    public FloatRows[] ExtraTeacherColumns { get; init; } = [];
    /// <summary>Rows left out because their label was missing and no loss term can learn from them.</summary>
    public long SkippedRows { get; set; }
    /// <summary>Rows kept without label: they teach through the terms that need no labels (the soft-target terms).</summary>
    public long UnlabelledRows { get; set; }

    public int RowCount => Labels.Count;

    /// <summary>
    /// An empty table for rows of the given widths; <paramref name="expectedRows"/> sizes the first allocation;
    /// <paramref name="sparse"/> keeps the features as their non-zeros.
    /// </summary>
    public static TrainingTable Create(int featureCount, int outputCount, bool withTeacher, long? expectedRows, int[]? extraWidths = null,
        bool sparse = false) => new()
        {
            FeatureCount = featureCount,
            OutputCount = outputCount,
            Features = sparse ? null : new FloatRows(featureCount, expectedRows),
            SparseFeatures = sparse ? new SparseRows(featureCount, expectedRows) : null,
            Labels = new Growable<float>((int)Math.Clamp(expectedRows ?? 1024, 1, Array.MaxLength)),
            TeacherLogits = withTeacher ? new FloatRows(outputCount, expectedRows) : null,
            ExtraTeacherColumns = (extraWidths ?? []).Select(width => new FloatRows(width, expectedRows)).ToArray(),
        };

    /// <summary>
    /// Reads every row once: features, label (through the task) and, when given, the teacher column. With
    /// <paramref name="keepUnlabelled"/> rows without a label are kept (some loss term learns from them); otherwise they
    /// are left out, as ML.NET's trainers do.
    /// </summary>
    public static TrainingTable Load(IDataView data, TrainingTask task, DataViewSchema.Column features, DataViewSchema.Column label,
        DataViewSchema.Column? teacher, int featureCount, int outputCount, bool keepUnlabelled, Action? checkAlive = null)
        => Load(data, new TrainingReadSpec(task, features, label, teacher, featureCount, outputCount, keepUnlabelled, checkAlive ?? (() => { })));

    /// <summary>Reads every row of <paramref name="data"/> as <paramref name="spec"/> says.</summary>
    public static TrainingTable Load(IDataView data, TrainingReadSpec spec)
    {
        var table = spec.NewTable(data.GetRowCount());
        using var cursor = data.GetRowCursor(spec.Columns);
        var reader = spec.Reader(cursor);
        while (cursor.MoveNext())
        {
            if ((cursor.Position & 1023) == 0)
                spec.CheckAlive();
            reader.ReadInto(table);
        }
        return table;
    }

    /// <summary>Every row's index, in order.</summary>
    public int[] AllRows() => Enumerable.Range(0, RowCount).ToArray();

    /// <summary>Forgets every row but keeps the buffers (streaming reuses one table per block).</summary>
    public void Clear()
    {
        Features?.Clear();
        SparseFeatures?.Clear();
        Labels.Clear();
        TeacherLogits?.Clear();
        foreach (var extra in ExtraTeacherColumns)
            extra.Clear();
        SkippedRows = 0;
        UnlabelledRows = 0;
    }

    /// <summary>
    /// A data view that declares a vector size but hands out shorter (or longer) rows would leave part of the buffer
    /// unwritten (uninitialised memory) or spill into the next row: refuse it, naming the row.
    /// </summary>
    internal static void CheckLength(int actual, int declared, string column, long row)
    {
        if (actual != declared)
            throw new InvalidOperationException($"Column '{column}' declares {declared} values per row, but row {row} holds {actual}. " +
                "The data source does not keep to its own schema; fix the IDataView (or the code that builds it).");
    }

    internal static void CheckFinite(ReadOnlySpan<float> values, string column, long row)
    {
        // x − x is 0 for every finite x and NaN for NaN and ±∞: one vectorised pass finds both.
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var zero = System.Numerics.Vector<float>.Zero;
            int width = System.Numerics.Vector<float>.Count;
            for (; i <= values.Length - width; i += width)
            {
                var v = new System.Numerics.Vector<float>(values.Slice(i, width));
                if (!System.Numerics.Vector.EqualsAll(v - v, zero))
                    break; // find the exact slot below
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new InvalidOperationException($"Column '{column}' holds {values[i]} at row {row}, slot {i}. " +
                    "The student needs finite values: fill missing values first (e.g. mlContext.Transforms.ReplaceMissingValues).");
    }
}
