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
/// <para>
/// The evidence is counted block by block (<see cref="Add(TrainingTable, ReadOnlySpan{int})"/>), so the whole training
/// set is judged whether it is held in
/// memory or streamed; <see cref="Verify"/> judges it once. Several checks on one teacher column run as one
/// (<see cref="Combine"/>), judged in order: the first that finds a fault stops the Fit.
/// </para>
/// </summary>
internal abstract class TeacherLabelCheck
{
    public const double MinimumGain = 0.3;
    public const double MinimumRatio = 2;
    public const int MinimumRows = 30;

    public static bool Mismatched(double identity, double best) => best - identity >= MinimumGain && best >= MinimumRatio * identity;

    /// <summary>Counts the evidence of the labelled rows among <paramref name="rows"/> of <paramref name="table"/>.</summary>
    public abstract void Add(TrainingTable table, ReadOnlySpan<int> rows);

    /// <summary>Counts the evidence of every row of <paramref name="table"/>.</summary>
    public void Add(TrainingTable table) => Add(table, table.AllRows());

    /// <summary>
    /// Throws, naming both columns, when the evidence says the teacher and the label mean different things; hands
    /// <paramref name="warn"/> what may be intended but is worth a look.
    /// </summary>
    public abstract void Verify(Action<string> warn);

    /// <summary>The checks as one: each is given every row, and they are judged in the order given.</summary>
    public static TeacherLabelCheck Combine(params TeacherLabelCheck[] checks) => new Combined(checks);

    private sealed class Combined(TeacherLabelCheck[] checks) : TeacherLabelCheck
    {
        public override void Add(TrainingTable table, ReadOnlySpan<int> rows)
        {
            foreach (var check in checks)
                check.Add(table, rows);
        }

        public override void Verify(Action<string> warn)
        {
            foreach (var check in checks)
                check.Verify(warn);
        }
    }
}
