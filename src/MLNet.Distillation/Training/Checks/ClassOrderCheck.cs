using System.Globalization;

namespace MLNet.Distillation;

/// <summary>Multiclass: agreement in the label's class order and under the best permutation of the teacher's classes.</summary>
internal sealed class ClassOrderCheck(string teacherColumn, string labelColumn, int classes, IReadOnlyList<string>? classNames) : TeacherLabelCheck
{
    /// <summary>Classes above this are not permuted (the assignment is cubic in the class count).</summary>
    public const int MaximumClasses = 512;

    // [label class, teacher arg-max]; none above the limit.
    private readonly double[,]? _counts = classes <= MaximumClasses ? new double[classes, classes] : null;

    public override void Add(TrainingTable table, ReadOnlySpan<int> rows)
    {
        if (_counts is null || table.TeacherLogits is not { } logits)
            return;
        var labels = table.Labels.AsSpan();
        foreach (int r in rows)
        {
            float y = labels[r];
            if (float.IsNaN(y)) continue;
            var row = logits.Row(r);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (row[c] > row[best]) best = c;
            _counts[(int)y, best]++;
        }
    }

    public override void Verify(Action<string> warn)
    {
        if (_counts is null)
            return;
        int k = classes;
        var assignment = Assignment.Maximise(_counts); // label class → teacher output
        var movedClasses = Enumerable.Range(0, k).Where(c => assignment[c] != c).ToArray();
        double movedRows = movedClasses.Sum(c => Enumerable.Range(0, k).Sum(j => _counts[c, j]));
        if (movedRows < MinimumRows)
            return;
        double identity = movedClasses.Sum(c => _counts[c, c]) / movedRows;
        double permuted = movedClasses.Sum(c => _counts[c, assignment[c]]) / movedRows;
        if (!Mismatched(identity, permuted))
            return;
        string Name(int c) => classNames is not null ? $"'{classNames[c]}'" : c.ToString(CultureInfo.InvariantCulture);
        var moved = movedClasses.Take(10).Select(c => $"{Name(c)} ↔ teacher output {assignment[c]}");
        throw new ArgumentOutOfRangeException(nameof(teacherColumn), string.Create(CultureInfo.InvariantCulture,
            $"On the {movedRows:N0} labelled rows of {movedClasses.Length} of its {k} classes, teacher column '{teacherColumn}' agrees with label '{labelColumn}' " +
            $"{identity:P1} of the time in the label's class order, but {permuted:P1} if its outputs are re-ordered " +
            $"(label {string.Join(", ", moved)}{(movedClasses.Length > 10 ? ", ..." : "")}): ") +
            "the teacher's outputs are in another class order than the label's keys, and the student would learn the wrong classes. " +
            "Map the label in the teacher's order (MapValueToKey with keyData, or keyOrdinality: ByValue when the teacher's classes are sorted), " +
            "or name the teacher's classes (OnnxTeacherOptions.ClassNames) so the order is checked by name.");
    }
}
