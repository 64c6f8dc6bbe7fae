namespace MLNet.Distillation;

/// <summary>
/// The standardisations a Fit trains under, fitted on the training rows only (never on validation rows): the inputs
/// (when the student's architecture standardises them) and the regression target (labels; the teacher's predictions
/// when no training row has a label, a pure transfer set). Fed block by block, so a streamed table needs one pass.
/// <para>
/// Sparse features are scaled, not centred: subtracting a mean would turn every zero into a non-zero. Each slot is
/// divided by its largest absolute value over the training rows (ML.NET's min-max normaliser with <c>fixZero</c>), not by
/// its standard deviation: on a bag of n-grams a slot seen in one row of 4,000 has a tiny deviation, and dividing by it
/// would blow that one value up to the size of 60 common slots together.
/// </para>
/// </summary>
internal sealed class TrainingScaling(int featureCount, bool inputs, bool target, bool sparse = false)
{
    private readonly ColumnStatistics? _inputs = inputs && !sparse ? new ColumnStatistics(featureCount) : null;
    private readonly double[]? _largest = inputs && sparse ? new double[featureCount] : null;
    private readonly ColumnStatistics? _labels = target ? new ColumnStatistics(1) : null;
    private readonly ColumnStatistics? _teacher = target ? new ColumnStatistics(1) : null;
    private long _labelled;

    public void Add(TableRows rows)
    {
        var table = rows.Table;
        var labels = table.Labels.AsSpan();
        foreach (int r in rows.Rows)
        {
            if (_largest is not null)
            {
                var (slots, values) = table.SparseFeatures!.Get(r);
                for (int k = 0; k < slots.Length; k++)
                    _largest[slots[k]] = Math.Max(_largest[slots[k]], Math.Abs(values[k]));
            }
            else
                _inputs?.Add(table.Features!.Row(r));
            if (_labels is null) continue;
            _labels.Add(labels.Slice(r, 1));
            if (!float.IsNaN(labels[r])) _labelled++;
            if (table.TeacherLogits is { } teacher)
                _teacher!.Add(teacher.Row(r));
        }
    }

    public ColumnStandardization? Inputs() => _largest is not null
        ? new ColumnStandardization(new double[_largest.Length], _largest.Select(m => m > 0 ? m : 1).ToArray())
        : _inputs?.ToStandardization();

    public ColumnStandardization? Target() => _labels is null ? null : _labelled > 0 ? _labels.ToStandardization() : _teacher!.ToStandardization();

    /// <summary>Applies both maps in place to every row of <paramref name="table"/> (features, labels, teacher outputs).</summary>
    public static void Apply(TrainingTable table, ColumnStandardization? inputs, ColumnStandardization? target)
    {
        if (inputs is not null && table.SparseFeatures is { } sparse)
            inputs.Scale(sparse);
        else if (inputs is not null)
            inputs.Apply(table.Features!);
        if (target is null)
            return;
        target.Apply(table.Labels.AsSpan()); // NaN labels (rows without label) stay NaN
        if (table.TeacherLogits is { } teacher)
            target.Apply(teacher);
    }
}
