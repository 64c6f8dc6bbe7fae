using System.Globalization;

namespace MLNet.Distillation;

/// <summary>Binary: agreement of the teacher's logit sign with the labels, and of its flipped sign.</summary>
internal sealed class PositiveClassCheck(string teacherColumn, string labelColumn) : TeacherLabelCheck
{
    private long _rows, _same;

    public override void Add(TrainingTable table, ReadOnlySpan<int> rows)
    {
        if (table.TeacherLogits is not { } logits)
            return;
        var labels = table.Labels.AsSpan();
        foreach (int r in rows)
        {
            float y = labels[r];
            if (float.IsNaN(y)) continue;
            _rows++;
            if ((logits.Row(r)[0] > 0) == (y > 0.5f)) _same++;
        }
    }

    public override void Verify(Action<string> warn)
    {
        if (_rows < MinimumRows)
            return;
        double identity = (double)_same / _rows, flipped = 1 - identity;
        if (Mismatched(identity, flipped))
            throw new ArgumentOutOfRangeException(nameof(teacherColumn), string.Create(CultureInfo.InvariantCulture,
                $"Teacher column '{teacherColumn}' agrees with label '{labelColumn}' on {identity:P1} of {_rows:N0} labelled rows, and on {flipped:P1} with its sign flipped: ") +
                "the teacher's positive class is the label's negative class. Flip the label (or the teacher's output), so that true means the same to both.");
    }
}
