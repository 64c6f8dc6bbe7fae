using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Regression: a teacher whose predictions fall as the label rises predicts something else. Pearson's r from running sums
/// (<see cref="PairedMoments"/>).
/// </summary>
internal sealed class CorrelationCheck(string teacherColumn, string labelColumn) : TeacherLabelCheck
{
    private readonly PairedMoments _moments = new();

    public override void Add(TrainingTable table, ReadOnlySpan<int> rows)
    {
        if (table.TeacherLogits is not { } teacher)
            return;
        var labels = table.Labels.AsSpan();
        foreach (int r in rows)
        {
            float label = labels[r];
            if (float.IsNaN(label)) continue;
            _moments.Add(teacher.Row(r)[0], label);
        }
    }

    public override void Verify(Action<string> warn)
    {
        if (_moments.Count < MinimumRows)
            return;
        double cov = _moments.CoSum, vt = _moments.TeacherSquares, vy = _moments.LabelSquares;
        if (vt <= 0 || vy <= 0)
            return;
        double r = cov / Math.Sqrt(vt * vy);
        if (r <= -0.3)
            throw new ArgumentOutOfRangeException(nameof(teacherColumn), string.Create(CultureInfo.InvariantCulture,
                $"Teacher column '{teacherColumn}' correlates negatively with label '{labelColumn}' (r = {r:0.00} over {_moments.Count:N0} labelled rows): ") +
                "it predicts something else than the label (another target, or the same with its sign flipped).");
    }
}
