namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// The multiclass order check (<see cref="ClassOrderCheck"/>): agreement of the teacher's arg-max with the labels, judged
/// on the rows of the classes the best permutation moves. Pins the figures in the error (rows, classes, both
/// agreements), the 30-row minimum, unlabelled rows left out, ties going to the first class, the 512-class limit, and which
/// side is blamed: an unnamed (or differently named) teacher is refused as re-ordered; one named as the label's keys
/// blames the labels, and only warns when the labels carry no weight.
/// </summary>
public sealed class ClassOrderCheckTests
{
    /// <summary>A teacher row of <paramref name="classes"/> logits whose arg-max is <paramref name="best"/>.</summary>
    private static float[] Says(int best, int classes = 3)
    {
        var logits = new float[classes];
        for (int c = 0; c < classes; c++)
            logits[c] = c == best ? 2 : -c;
        return logits;
    }

    /// <summary>Rows of label <paramref name="label"/> on which the teacher says <paramref name="says"/>.</summary>
    private static IEnumerable<(float[], float)> Rows(int label, int says, int count, int classes = 3) => (Says(says, classes), (float)label).Times(count);

    /// <summary>
    /// Classes 0 and 1 swapped among three: label 0 is called 1 on 20 rows and 0 on 5; label 1 is called 0 on 20 rows and
    /// 1 on 5; label 2 is called 2 on 30. The moved classes hold 50 rows: 10 agree in the label's order (20 %), 40 swapped (80 %).
    /// </summary>
    private static TrainingTable Swapped(int classes = 3) => CheckTables.Of(classes,
        Rows(0, 1, 20, classes).Concat(Rows(0, 0, 5, classes)).Concat(Rows(1, 0, 20, classes)).Concat(Rows(1, 1, 5, classes)).Concat(Rows(2, 2, 30, classes)));

    private static ClassOrderCheck Check(int classes = 3, string[]? labelNames = null, string[]? teacherNames = null, bool labelsWeigh = true)
        => new("Teacher", "Digit", classes, labelNames, teacherNames, labelsWeigh);

    [Fact]
    public void An_unnamed_teacher_with_two_classes_swapped_is_refused_with_the_agreement_both_ways()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), Swapped()));
        Assert.Equal("teacherColumn", error.ParamName);
        Assert.StartsWith("On the 50 labelled rows of 2 of its 3 classes, teacher column 'Teacher' agrees with label 'Digit' 20.0 % of the time in the label's class order, " +
            "but 80.0 % if its outputs are re-ordered (label 0 ↔ teacher output 1, 1 ↔ teacher output 0): the teacher's outputs are in another class order", error.Message);
    }

    [Fact]
    public void The_label_s_key_values_name_its_classes_in_the_error()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(labelNames: ["cat", "dog", "owl"]), Swapped()));
        Assert.Contains("(label 'cat' ↔ teacher output 1, 'dog' ↔ teacher output 0)", error.Message);
    }

    [Fact]
    public void A_teacher_in_the_label_s_order_and_a_weak_one_are_let_through()
    {
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Of(3, Rows(0, 0, 30).Concat(Rows(1, 1, 30)).Concat(Rows(2, 2, 30)))));
        // Swapped 12 to 8: 40 % against 60 %, a gain of 0.2: too weak to tell.
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Of(3, Rows(0, 1, 12).Concat(Rows(0, 0, 8)).Concat(Rows(1, 0, 12)).Concat(Rows(1, 1, 8)))));
    }

    [Fact]
    public void Fewer_than_30_rows_in_the_moved_classes_are_not_judged_and_unlabelled_rows_are_not_counted()
    {
        // 15 + 14 swapped rows, 40 rows of class 2 (not moved), and 5 unlabelled rows the teacher calls 1.
        var rows = Rows(0, 1, 15).Concat(Rows(1, 0, 14)).Concat(Rows(2, 2, 40)).Concat((Says(1), float.NaN).Times(5));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Of(3, rows)));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), CheckTables.Of(3, rows.Concat(Rows(1, 0, 1)))));
        Assert.StartsWith("On the 30 labelled rows of 2 of its 3 classes", error.Message);
    }

    [Fact]
    public void A_tie_among_the_teacher_s_outputs_goes_to_the_first_class()
    {
        // 40 rows of class 0 on which every output is 0: the arg-max is class 0, in the label's order (were it the last
        // class, all 40 would be moved to class 2 and refused).
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Of(3, (new float[3], 0f).Times(40).Concat(Rows(1, 1, 30)))));
    }

    [Fact]
    public void The_arg_max_reads_every_output()
    {
        // The largest output last: label 2 called 2 by logits (−1, 0, 5); label 0 called 0 by (5, 0, −1).
        var rows = (new float[] { -1, 0, 5 }, 2f).Times(30).Concat((new float[] { 5, 0, -1 }, 0f).Times(30));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Of(3, rows)));
        // The same rows with the labels swapped are refused.
        var swapped = (new float[] { -1, 0, 5 }, 0f).Times(30).Concat((new float[] { 5, 0, -1 }, 2f).Times(30));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), CheckTables.Of(3, swapped)));
    }

    [Fact]
    public void Up_to_512_classes_are_checked_and_more_are_not()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(512), Swapped(512)));
        Assert.Empty(CheckTables.Judge(Check(513), Swapped(513)));
    }

    [Fact]
    public void A_teacher_named_as_the_label_s_keys_blames_the_labels()
    {
        string[] names = ["cat", "dog", "owl"];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(labelNames: names, teacherNames: [.. names]), Swapped()));
        Assert.StartsWith("Teacher column 'Teacher' names its classes as label 'Digit' does ([cat, dog, owl]), yet on the 50 labelled rows of 2 of its 3 classes, " +
            "it agrees with label 'Digit' 20.0 % of the time in the label's class order, but 80.0 % if the labels are re-mapped " +
            "(rows labelled 'cat' → the teacher's 'dog', 'dog' → the teacher's 'cat').", error.Message);
        Assert.Contains("the labels look permuted", error.Message);
        Assert.Contains("set Alpha = 0", error.Message);
    }

    [Fact]
    public void Labels_that_carry_no_weight_beside_a_named_teacher_are_a_warning()
    {
        string[] names = ["cat", "dog", "owl"];
        var warning = Assert.Single(CheckTables.Judge(Check(labelNames: names, teacherNames: [.. names], labelsWeigh: false), Swapped()));
        Assert.StartsWith("Teacher column 'Teacher' names its classes as label 'Digit' does", warning);
        Assert.Contains("The labels carry no weight in this Fit", warning);
    }

    [Fact]
    public void Names_that_differ_or_are_missing_on_one_side_leave_the_teacher_to_blame()
    {
        // Names compare exactly: "Cat" is not "cat". Without the teacher's names the label's alone cannot clear the teacher.
        foreach (var teacherNames in new[] { new[] { "Cat", "dog", "owl" }, null })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(labelNames: ["cat", "dog", "owl"], teacherNames: teacherNames), Swapped()));
            Assert.Contains("another class order", error.Message);
        }
        // Nor the teacher's names without the label's.
        var unnamedLabel = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(teacherNames: ["cat", "dog", "owl"]), Swapped()));
        Assert.Contains("another class order", unnamedLabel.Message);
    }

    /// <summary>
    /// <paramref name="classes"/> classes, the first <paramref name="moved"/> of them moved (label c called c + 1, the
    /// last moved one called 0: a cycle), 3 rows each; the others called right on one row each, so they stay.
    /// </summary>
    private static TrainingTable Cycle(int classes, int moved) => CheckTables.Of(classes, Enumerable.Range(0, classes)
        .SelectMany(c => c < moved ? Rows(c, (c + 1) % moved, 3, classes) : Rows(c, c, 1, classes)));

    private static string[] Names(int classes) => Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();

    [Fact]
    public void Up_to_20_names_and_10_moved_classes_are_listed_whole_and_more_are_cut_short()
    {
        // 20 classes named alike, 10 moved: every name and every moved class listed, no ellipsis.
        var whole = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(20, Names(20), Names(20)), Cycle(20, 10))).Message;
        string names = string.Join(", ", Names(20));
        string mapped = string.Join(", ", Enumerable.Range(0, 10).Select(c => $"'c{c}' → the teacher's 'c{(c + 1) % 10}'"));
        Assert.StartsWith($"Teacher column 'Teacher' names its classes as label 'Digit' does ([{names}]), yet on the 30 labelled rows of 10 of its 20 classes, ", whole);
        Assert.Contains($"if the labels are re-mapped (rows labelled {mapped}). ", whole);
        // 21 classes, 11 moved: the first 20 names and the first 10 moved classes, then an ellipsis.
        var cut = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(21, Names(21), Names(21)), Cycle(21, 11))).Message;
        names = string.Join(", ", Names(20));
        mapped = string.Join(", ", Enumerable.Range(0, 10).Select(c => $"'c{c}' → the teacher's 'c{c + 1}'"));
        Assert.StartsWith($"Teacher column 'Teacher' names its classes as label 'Digit' does ([{names}, ...]), yet on the 33 labelled rows of 11 of its 21 classes, ", cut);
        Assert.Contains($"if the labels are re-mapped (rows labelled {mapped}, ...). ", cut);
    }

    [Fact]
    public void Up_to_10_moved_classes_of_an_unnamed_teacher_are_listed_whole_and_more_are_cut_short()
    {
        var whole = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(12), Cycle(12, 10))).Message;
        Assert.Contains($"(label {string.Join(", ", Enumerable.Range(0, 10).Select(c => $"{c} ↔ teacher output {(c + 1) % 10}"))}): ", whole);
        var cut = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(12), Cycle(12, 11))).Message;
        Assert.Contains($"(label {string.Join(", ", Enumerable.Range(0, 10).Select(c => $"{c} ↔ teacher output {c + 1}"))}, ...): ", cut);
    }

    [Fact]
    public void A_table_without_a_teacher_column_adds_nothing()
        => Assert.Empty(CheckTables.Judge(Check(), CheckTables.WithoutTeacher(3, Enumerable.Range(0, 60).Select(i => (float)(i % 3)))));
}
