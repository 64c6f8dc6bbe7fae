using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Multiclass: agreement in the label's class order and under the best permutation of the teacher's classes.
/// <para>
/// Which side is wrong depends on the names. A teacher that does not name its classes may list them in another order
/// than the label's keys: the Fit stops and asks to map the label in the teacher's order or to name the teacher's classes.
/// A teacher that names them as the label's keys do (the by-name check has passed) cannot be in another order: when the
/// labels then agree with it only after a permutation, the labels are what is permuted (a label built from another column,
/// shifted by one), and the error says so and which label classes map to which teacher classes. When the labels carry no
/// weight (<c>Alpha = 0</c>, no label term in the recipe) the student learns from the teacher alone, so that case is a
/// warning.
/// </para>
/// </summary>
/// <param name="teacherColumn">The teacher column, for messages.</param>
/// <param name="labelColumn">The label column, for messages.</param>
/// <param name="classes">Classes (teacher outputs per row).</param>
/// <param name="labelNames">The label's key values as text, or null.</param>
/// <param name="teacherNames">The teacher's class names (its column's slot names), or null.</param>
/// <param name="labelsWeigh">Whether some loss term learns from the labels.</param>
internal sealed class ClassOrderCheck(string teacherColumn, string labelColumn, int classes, IReadOnlyList<string>? labelNames,
    IReadOnlyList<string>? teacherNames = null, bool labelsWeigh = true) : TeacherLabelCheck
{
    /// <summary>Classes above this are not permuted (the assignment is cubic in the class count).</summary>
    public const int MaximumClasses = 512;

    // [label class, teacher arg-max]; none above the limit.
    private readonly double[,]? _counts = classes <= MaximumClasses ? new double[classes, classes] : null;

    /// <summary>Whether the teacher names its classes exactly as the label's keys (the order cannot then be the teacher's fault).</summary>
    private bool NamedAlike => labelNames is not null && teacherNames is not null && labelNames.SequenceEqual(teacherNames, StringComparer.Ordinal);

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
        string Agreement(string who) => string.Create(CultureInfo.InvariantCulture,
            $"on the {movedRows:N0} labelled rows of {movedClasses.Length} of its {k} classes, {who} agrees with label '{labelColumn}' " +
            $"{identity:P1} of the time in the label's class order, but {permuted:P1} if ");
        if (NamedAlike)
        {
            var mapped = movedClasses.Take(10).Select(c => $"'{labelNames![c]}' → the teacher's '{teacherNames![assignment[c]]}'");
            string message = $"Teacher column '{teacherColumn}' names its classes as label '{labelColumn}' does ([{string.Join(", ", labelNames!.Take(20))}{(k > 20 ? ", ..." : "")}]), " +
                $"yet {Agreement("it")}the labels are re-mapped (rows labelled {string.Join(", ", mapped)}{(movedClasses.Length > 10 ? ", ..." : "")}). " +
                "The names match, so the teacher's order is not at fault: the labels look permuted (a label column built from another column, " +
                "values shifted by one, keys mapped from other data). Naming the teacher's classes cannot fix this; check how label " +
                $"'{labelColumn}' is made. ";
            if (!labelsWeigh)
            {
                warn(message +
                    "The labels carry no weight in this Fit (no loss term learns from them), so the student learns the teacher's classes " +
                    "under their names; validation accuracy and early stopping still read the labels.");
                return;
            }
            throw new ArgumentOutOfRangeException(nameof(teacherColumn), message + "To distil from the teacher alone, set Alpha = 0 (or leave the label " +
                "terms out of Options.Losses): the labels then carry no weight and this is a warning.");
        }
        string Name(int c) => labelNames is not null ? $"'{labelNames[c]}'" : c.ToString(CultureInfo.InvariantCulture);
        var moved = movedClasses.Take(10).Select(c => $"{Name(c)} ↔ teacher output {assignment[c]}");
        string agreement = Agreement($"teacher column '{teacherColumn}'");
        throw new ArgumentOutOfRangeException(nameof(teacherColumn), "O" + agreement[1..] + "its outputs are re-ordered " +
            $"(label {string.Join(", ", moved)}{(movedClasses.Length > 10 ? ", ..." : "")}): " +
            "the teacher's outputs are in another class order than the label's keys, and the student would learn the wrong classes. " +
            "Map the label in the teacher's order (MapValueToKey with keyData, or keyOrdinality: ByValue when the teacher's classes are sorted), " +
            "or name the teacher's classes (OnnxTeacherOptions.ClassNames) so the order is checked by name.");
    }
}
