namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// The binary order check (<see cref="PositiveClassCheck"/>): a teacher whose logit's sign disagrees with the labels (its
/// positive class is the label's negative one) is refused over at least 30 labelled rows, with the agreement both ways in
/// the error; rows without label are not counted; a logit of 0 says "false"; a weak teacher is let through.
/// </summary>
public sealed class PositiveClassCheckTests
{
    private static PositiveClassCheck Check() => new("Teacher", "Truth");

    [Fact]
    public void A_teacher_with_the_other_positive_class_is_refused_with_both_agreements()
    {
        // 30 labelled rows: 8 agree (logit 2, label 1), 22 disagree (logit −1, label 1 and logit 3, label 0).
        var rows = (2f, 1f).Times(8).Concat((-1f, 1f).Times(12)).Concat((3f, 0f).Times(10));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), CheckTables.Single(rows)));
        Assert.Equal("teacherColumn", error.ParamName);
        // 8 / 30 = 26.7 %, flipped 22 / 30 = 73.3 %.
        Assert.Contains("Teacher column 'Teacher' agrees with label 'Truth' on 26.7 % of 30 labelled rows, and on 73.3 % with its sign flipped", error.Message);
        Assert.Contains("positive class is the label's negative class", error.Message);
    }

    [Fact]
    public void Fewer_than_30_labelled_rows_are_not_judged_and_rows_without_label_are_not_counted()
    {
        // 29 labelled rows all flipped, beside 10 unlabelled rows whose logit also says true: 39 rows, 29 to judge.
        var rows = (-1f, 1f).Times(29).Concat((1f, float.NaN).Times(10));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(rows)));
        // One labelled row more and it is refused.
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), CheckTables.Single(rows.Append((-1f, 1f)))));
    }

    [Fact]
    public void Unlabelled_rows_do_not_count_against_the_teacher()
    {
        // 30 labelled rows that agree with the teacher, and 80 unlabelled ones: counted, they would read as disagreeing (NaN is not above 0.5).
        var rows = (1f, 1f).Times(30).Concat((1f, float.NaN).Times(80));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(rows)));
    }

    [Fact]
    public void A_logit_of_zero_says_false()
    {
        // 10 rows logit 1 label true, 20 rows logit 0 label false: all agree. Read as true, the zeros would be 20 of 30 flipped.
        var rows = (1f, 1f).Times(10).Concat((0f, 0f).Times(20));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(rows)));
    }

    [Fact]
    public void A_teacher_in_the_label_s_order_and_a_weak_one_are_let_through()
    {
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single((4f, 1f).Times(20).Concat((-4f, 0f).Times(20)))));
        // 40 % agreement: 60 % flipped is a gain of 0.2 (< 0.3), too weak to tell.
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single((1f, 1f).Times(16).Concat((1f, 0f).Times(24)))));
    }

    [Fact]
    public void A_table_without_a_teacher_column_adds_nothing()
        => Assert.Empty(CheckTables.Judge(Check(), CheckTables.WithoutTeacher(1, Enumerable.Repeat(1f, 40))));

    [Fact]
    public void Rows_are_counted_from_the_blocks_they_are_fed_in()
    {
        // Fed twice, 20 flipped rows are 40 rows of evidence (streaming feeds one block at a time).
        var check = Check();
        var table = CheckTables.Single((-1f, 1f).Times(20));
        check.Add(table, table.AllRows());
        check.Add(table, table.AllRows());
        Assert.Throws<ArgumentOutOfRangeException>(() => check.Verify(_ => { }));
    }
}
