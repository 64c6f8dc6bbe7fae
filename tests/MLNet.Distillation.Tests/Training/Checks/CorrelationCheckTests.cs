namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// The regression sign check (<see cref="CorrelationCheck"/>): a teacher whose Pearson correlation with the label is −0.3
/// or below (−0.3 itself included) is refused over at least 30 labelled rows, with r and the row count in the error;
/// rows without label are not counted; a constant teacher or label is not judged.
/// </summary>
public sealed class CorrelationCheckTests
{
    private static CorrelationCheck Check() => new("Teacher", "Strength");

    /// <summary>
    /// Four pairs, centred, with Σt² = Σy² = 10 and Σty = −3: r = −3 / √(10 · 10) = −0.3 exactly (every sum is an integer,
    /// and −30 / 100 rounds as the literal −0.3 does).
    /// </summary>
    private static readonly (float Teacher, float Label)[] MinusPointThree = [(-2, -1), (-1, 2), (1, 1), (2, -2)];

    [Fact]
    public void A_teacher_of_the_negated_label_is_refused_with_its_correlation()
    {
        var rows = Enumerable.Range(0, 40).Select(i => (-(float)i, (float)i));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), CheckTables.Single(rows)));
        Assert.Equal("teacherColumn", error.ParamName);
        Assert.Contains("Teacher column 'Teacher' correlates negatively with label 'Strength' (r = -1.00 over 40 labelled rows): " +
            "it predicts something else than the label (another target, or the same with its sign flipped).", error.Message);
    }

    [Fact]
    public void A_correlation_of_exactly_minus_0_3_is_refused()
    {
        var rows = Enumerable.Repeat(MinusPointThree, 10).SelectMany(block => block);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), CheckTables.Single(rows)));
        Assert.Contains("(r = -0.30 over 40 labelled rows)", error.Message);
    }

    [Fact]
    public void A_weaker_negative_correlation_and_a_positive_one_are_let_through()
    {
        // The same teacher beside the labels re-arranged: Σty = 2 − 1 + 2 − 4 = −1 instead of −3, r = −0.1.
        (float, float)[] minusPointOne = [(-2, -1), (-1, 1), (1, 2), (2, -2)];
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(Enumerable.Repeat(minusPointOne, 10).SelectMany(block => block))));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(Enumerable.Range(0, 40).Select(i => ((float)i, (float)i)))));
    }

    [Fact]
    public void Fewer_than_30_labelled_rows_are_not_judged_and_rows_without_label_are_not_counted()
    {
        var rows = Enumerable.Range(0, 29).Select(i => (-(float)i, (float)i)).Concat((5f, float.NaN).Times(10));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(rows)));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), CheckTables.Single(rows.Append((-29f, 29f)))));
    }

    [Fact]
    public void Unlabelled_rows_do_not_hide_a_negated_teacher()
    {
        // 40 labelled rows of r = −1 among 40 without label: the NaN labels must not reach the sums (they would make r NaN, never ≤ −0.3).
        var rows = Enumerable.Range(0, 40).SelectMany(i => new[] { (-(float)i, (float)i), (-1000f, float.NaN) });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), CheckTables.Single(rows)));
        Assert.Contains("(r = -1.00 over 40 labelled rows)", error.Message);
    }

    [Fact]
    public void A_constant_teacher_or_label_is_not_judged()
    {
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(Enumerable.Range(0, 40).Select(i => (3f, (float)i)))));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(Enumerable.Range(0, 40).Select(i => (-(float)i, 3f)))));
    }

    [Fact]
    public void A_table_without_a_teacher_column_adds_nothing()
        => Assert.Empty(CheckTables.Judge(Check(), CheckTables.WithoutTeacher(1, Enumerable.Range(0, 40).Select(i => (float)i))));
}
