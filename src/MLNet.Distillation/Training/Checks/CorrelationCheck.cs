using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Regression: a teacher whose predictions fall as the label rises predicts something else. Pearson's r from running sums
/// (in double, shifted by the first pair so that values far from zero lose no precision).
/// </summary>
internal sealed class CorrelationCheck(string teacherColumn, string labelColumn) : TeacherLabelCheck
{
    private long _n;
    private double _shiftT, _shiftY, _t, _y, _tt, _yy, _ty;

    public override void Add(TrainingTable table, ReadOnlySpan<int> rows)
    {
        if (table.TeacherLogits is not { } teacher)
            return;
        var labels = table.Labels.AsSpan();
        foreach (int r in rows)
        {
            float label = labels[r];
            if (float.IsNaN(label)) continue;
            if (_n == 0)
                (_shiftT, _shiftY) = (teacher.Row(r)[0], label);
            double t = teacher.Row(r)[0] - _shiftT, y = label - _shiftY;
            _n++;
            _t += t; _y += y; _tt += t * t; _yy += y * y; _ty += t * y;
        }
    }

    public override void Verify(Action<string> warn)
    {
        if (_n < MinimumRows)
            return;
        double cov = _ty - _t * _y / _n, vt = _tt - _t * _t / _n, vy = _yy - _y * _y / _n;
        if (vt <= 0 || vy <= 0)
            return;
        double r = cov / Math.Sqrt(vt * vy);
        if (r <= -0.3)
            throw new ArgumentOutOfRangeException(nameof(teacherColumn), string.Create(CultureInfo.InvariantCulture,
                $"Teacher column '{teacherColumn}' correlates negatively with label '{labelColumn}' (r = {r:0.00} over {_n:N0} labelled rows): ") +
                "it predicts something else than the label (another target, or the same with its sign flipped).");
    }
}
