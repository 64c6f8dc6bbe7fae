using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Checks on the labelled training rows that the teacher's outputs mean what the label means, before any training:
/// a teacher whose classes come in another order than the label's keys (an ONNX model without class names, a label
/// mapped by first appearance) otherwise teaches the wrong classes and the student trains to chance, silently.
/// <para>
/// The rule: on the rows of the classes that the best re-ordering of the teacher's outputs moves (multiclass: the class
/// permutation maximising agreement, found with <see cref="Assignment"/>; binary: the logit's sign flipped, which moves
/// both classes), the teacher's agreement with the labels in the label's own order is compared with its agreement
/// re-ordered. When re-ordered agrees at least <see cref="MinimumGain"/> more (absolute) and at least
/// <see cref="MinimumRatio"/> times as often, the orders do not match, and the Fit stops. Judging only the moved classes
/// catches two swapped classes among ten as surely as a reversed order. A good teacher in the right order is never close
/// (its own order is the best one, up to noise); a teacher too weak to tell is let through. Needs at least
/// <see cref="MinimumRows"/> labelled rows in the moved classes; fewer are too few to judge.
/// </para>
/// </summary>
internal static class TeacherLabelCheck
{
    public const double MinimumGain = 0.3;
    public const double MinimumRatio = 2;
    public const int MinimumRows = 30;

    /// <summary>Classes above this are not permuted (the assignment is cubic in the class count).</summary>
    public const int MaximumClasses = 512;

    public static bool Mismatched(double identity, double best) => best - identity >= MinimumGain && best >= MinimumRatio * identity;

    /// <summary>Multiclass: agreement in the label's order and under the best permutation of the teacher's classes.</summary>
    public static void CheckClassOrder(TrainingTable table, string teacherColumn, string labelColumn, IReadOnlyList<string>? classNames)
    {
        int k = table.OutputCount;
        if (table.TeacherLogits is not { } logits || k > MaximumClasses)
            return;
        var counts = new double[k, k]; // [label class, teacher arg-max]
        for (int r = 0; r < table.RowCount; r++)
        {
            float y = table.Labels[r];
            if (float.IsNaN(y)) continue;
            var row = logits.AsSpan(r * k, k);
            int best = 0;
            for (int c = 1; c < k; c++)
                if (row[c] > row[best]) best = c;
            counts[(int)y, best]++;
        }
        var assignment = Assignment.Maximise(counts); // label class → teacher output
        var movedClasses = Enumerable.Range(0, k).Where(c => assignment[c] != c).ToArray();
        double movedRows = movedClasses.Sum(c => Enumerable.Range(0, k).Sum(j => counts[c, j]));
        if (movedRows < MinimumRows)
            return;
        double identity = movedClasses.Sum(c => counts[c, c]) / movedRows;
        double permuted = movedClasses.Sum(c => counts[c, assignment[c]]) / movedRows;
        if (!Mismatched(identity, permuted))
            return;
        string Name(int c) => classNames is not null ? $"'{classNames[c]}'" : c.ToString(CultureInfo.InvariantCulture);
        var moved = Enumerable.Range(0, k).Where(c => assignment[c] != c).Take(10)
            .Select(c => $"{Name(c)} ↔ teacher output {assignment[c]}");
        throw new ArgumentOutOfRangeException(nameof(teacherColumn), string.Create(CultureInfo.InvariantCulture,
            $"On the {movedRows:N0} labelled rows of {movedClasses.Length} of its {k} classes, teacher column '{teacherColumn}' agrees with label '{labelColumn}' " +
            $"{identity:P1} of the time in the label's class order, but {permuted:P1} if its outputs are re-ordered " +
            $"(label {string.Join(", ", moved)}{(movedClasses.Length > 10 ? ", ..." : "")}): ") +
            "the teacher's outputs are in another class order than the label's keys, and the student would learn the wrong classes. " +
            "Map the label in the teacher's order (MapValueToKey with keyData, or keyOrdinality: ByValue when the teacher's classes are sorted), " +
            "or name the teacher's classes (OnnxTeacherOptions.ClassNames) so the order is checked by name.");
    }

    /// <summary>Binary: agreement of the teacher's logit sign with the labels, and of its flipped sign.</summary>
    public static void CheckPositiveClass(TrainingTable table, string teacherColumn, string labelColumn)
    {
        if (table.TeacherLogits is not { } logits)
            return;
        long rows = 0, same = 0;
        for (int r = 0; r < table.RowCount; r++)
        {
            float y = table.Labels[r];
            if (float.IsNaN(y)) continue;
            rows++;
            if ((logits[r] > 0) == (y > 0.5f)) same++;
        }
        if (rows < MinimumRows)
            return;
        double identity = (double)same / rows, flipped = 1 - identity;
        if (Mismatched(identity, flipped))
            throw new ArgumentOutOfRangeException(nameof(teacherColumn), string.Create(CultureInfo.InvariantCulture,
                $"Teacher column '{teacherColumn}' agrees with label '{labelColumn}' on {identity:P1} of {rows:N0} labelled rows, and on {flipped:P1} with its sign flipped: ") +
                "the teacher's positive class is the label's negative class. Flip the label (or the teacher's output), so that true means the same to both.");
    }

    /// <summary>Regression: a teacher whose predictions fall as the label rises predicts something else.</summary>
    public static void CheckCorrelation(TrainingTable table, string teacherColumn, string labelColumn)
    {
        if (table.TeacherLogits is not { } t)
            return;
        var pairs = Enumerable.Range(0, table.RowCount).Where(r => !float.IsNaN(table.Labels[r])).Select(r => ((double)t[r], (double)table.Labels[r])).ToArray();
        if (pairs.Length < MinimumRows)
            return;
        double mt = pairs.Average(p => p.Item1), my = pairs.Average(p => p.Item2);
        double cov = pairs.Sum(p => (p.Item1 - mt) * (p.Item2 - my));
        double vt = pairs.Sum(p => (p.Item1 - mt) * (p.Item1 - mt)), vy = pairs.Sum(p => (p.Item2 - my) * (p.Item2 - my));
        if (vt == 0 || vy == 0)
            return;
        double r = cov / Math.Sqrt(vt * vy);
        if (r <= -0.3)
            throw new ArgumentOutOfRangeException(nameof(teacherColumn), string.Create(CultureInfo.InvariantCulture,
                $"Teacher column '{teacherColumn}' correlates negatively with label '{labelColumn}' (r = {r:0.00} over {pairs.Length:N0} labelled rows): ") +
                "it predicts something else than the label (another target, or the same with its sign flipped).");
    }
}
