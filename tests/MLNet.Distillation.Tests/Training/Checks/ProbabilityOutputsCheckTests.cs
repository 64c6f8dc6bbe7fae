namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// The teacher-kind check (<see cref="ProbabilityOutputsCheck"/>): probabilities about to be read as logits. Pins what
/// counts as probabilities (every value in [0, 1], 0 and 1 included; several outputs summing to 1 within 10⁻³, either
/// side; a single output in [0, 1] whatever it is), that every one of at least 30 rows must qualify, the agreement
/// figures of a binary teacher (unlabelled rows left out), and what follows: refused when the teacher left its output
/// kind unset, a warning otherwise, with the remedy that fits where the column came from.
/// </summary>
public sealed class ProbabilityOutputsCheckTests
{
    private static ProbabilityOutputsCheck Check(int classes = 3, bool unstated = true, bool fromTeacherScore = true)
        => new("Teacher", "Truth", classes, unstated, fromTeacherScore);

    /// <summary>Counts <paramref name="rows"/> (values and label) and judges them; returns the warnings.</summary>
    private static List<string> Judge(ProbabilityOutputsCheck check, IEnumerable<(float[] Values, float Label)> rows)
    {
        foreach (var (values, label) in rows)
            check.Add(values, label);
        var warnings = new List<string>();
        check.Verify(warnings.Add);
        return warnings;
    }

    private static string Refusal(ProbabilityOutputsCheck check, IEnumerable<(float[], float)> rows)
        => Assert.Throws<ArgumentOutOfRangeException>(() => Judge(check, rows)).Message;

    private static readonly float[] Softmax = [0.7f, 0.2f, 0.1f];

    [Fact]
    public void Softmax_outputs_with_the_kind_unset_are_refused_naming_the_option()
    {
        string message = Refusal(Check(), (Softmax, 0f).Times(30));
        Assert.Equal("Teacher column 'Teacher' holds probabilities, not logits: each of its 30 rows of 3 values lies in [0, 1] and sums to 1. " +
            "Its ONNX teacher's OnnxTeacherOptions.OutputKind is not set, so they would be read as logits, and softmax of values in [0, 1] is nearly uniform: " +
            "the soft targets would say almost nothing. Set OnnxTeacherOptions.OutputKind = TeacherOutputKind.Probabilities (they become log-probabilities), " +
            "or TeacherOutputKind.Logits if these really are logits. (Parameter 'teacherColumn')", message);
    }

    [Fact]
    public void Fewer_than_30_rows_are_not_judged() => Assert.Empty(Judge(Check(), (Softmax, 0f).Times(29)));

    [Theory]
    [InlineData(1.5f, -0.25f, -0.25f)] // sums to 1, but outside [0, 1]
    [InlineData(0.5f, 0.3f, 0.3f)]     // in [0, 1], but sums to 1.1
    [InlineData(0.5f, 0.25f, 0.24f)]   // sums to 0.99: 10⁻² short
    [InlineData(2f, 1f, -1f)]          // logits
    public void One_row_that_is_not_probabilities_clears_the_column(float a, float b, float c)
        => Assert.Empty(Judge(Check(), (Softmax, 0f).Times(40).Append((new[] { a, b, c }, 0f))));

    [Fact]
    public void Values_of_exactly_0_and_1_are_probabilities()
        => Assert.Contains("each of its 30 rows", Refusal(Check(), (new float[] { 1, 0, 0 }, 0f).Times(30)));

    [Theory]
    [InlineData(0.5f, 0.5009f)] // 1.0009
    [InlineData(0.5f, 0.4991f)] // 0.9991
    public void A_sum_within_a_thousandth_of_1_either_way_counts(float a, float b)
        => Assert.Contains("each of its 30 rows of 2 values", Refusal(Check(2), (new[] { a, b }, 0f).Times(30)));

    [Fact]
    public void A_binary_teacher_s_values_in_0_1_are_probabilities_with_both_agreements_in_the_error()
    {
        // 20 rows p = 0.8 labelled true, 5 rows p = 0.5 labelled false, 5 rows p = 0 labelled false, 1 unlabelled row.
        // As probabilities (above 0.5) all 30 labelled rows agree; as logits (above 0) the 0.5s say true: 25 of 30, 83.3 %.
        var rows = (new[] { 0.8f }, 1f).Times(20).Concat((new[] { 0.5f }, 0f).Times(5)).Concat((new[] { 0f }, 0f).Times(5)).Append((new[] { 0.9f }, float.NaN));
        string message = Refusal(Check(1), rows);
        Assert.StartsWith("Teacher column 'Teacher' holds probabilities, not logits: all 31 of its values lie in [0, 1]; " +
            "read as probabilities (above 0.5: true) it agrees with label 'Truth' on 100.0 % of the labelled rows, " +
            "read as logits (above 0) it calls every row true and agrees on 83.3 %. " +
            "Its ONNX teacher's OnnxTeacherOptions.OutputKind is not set, so they would be read as logits, and σ of a probability lies in [0.5, 0.73]", message);
        Assert.Contains("(they become the logit log(p / (1 − p)))", message);
    }

    [Fact]
    public void An_unlabelled_binary_teacher_is_judged_on_its_values_alone()
    {
        string message = Refusal(Check(1), (new[] { 0.3f }, float.NaN).Times(30));
        Assert.StartsWith("Teacher column 'Teacher' holds probabilities, not logits: all 30 of its values lie in [0, 1]. Its ONNX teacher's", message);
    }

    [Fact]
    public void A_binary_teacher_with_one_value_outside_0_1_is_read_as_logits()
        => Assert.Empty(Judge(Check(1), (new[] { 0.3f }, 0f).Times(40).Append((new[] { 1.2f }, 1f))));

    [Fact]
    public void A_teacher_that_stated_its_kind_trains_with_a_warning_naming_the_option()
    {
        var warning = Assert.Single(Judge(Check(unstated: false), (Softmax, 0f).Times(30)));
        Assert.Equal("Teacher column 'Teacher' is read as logits, but it looks like probabilities: each of its 30 rows of 3 values lies in [0, 1] and sums to 1. " +
            "If they are probabilities, softmax of values in [0, 1] is nearly uniform: the soft targets would say almost nothing: " +
            "set OnnxTeacherOptions.OutputKind = TeacherOutputKind.Probabilities (or outputKind: TeacherOutputKind.Probabilities for an ML.NET model).", warning);
    }

    [Fact]
    public void A_column_not_written_by_TeacherScore_is_told_to_give_logits()
    {
        Assert.EndsWith("give their logarithms (log-probabilities) instead.", Assert.Single(Judge(Check(unstated: false, fromTeacherScore: false), (Softmax, 0f).Times(30))));
        Assert.EndsWith("give their logits log(p / (1 − p)) instead.", Assert.Single(Judge(Check(1, unstated: false, fromTeacherScore: false), (new[] { 0.3f }, 0f).Times(30))));
    }

    [Fact]
    public void Rows_are_read_from_a_table_and_a_table_without_a_teacher_adds_nothing()
    {
        var table = CheckTables.Of(3, (Softmax, 1f).Times(30));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), table));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.WithoutTeacher(3, Enumerable.Repeat(1f, 30))));
    }

    [Fact]
    public void A_binary_table_s_labels_reach_the_agreement_figures()
    {
        // 30 rows p = 0.2 labelled false: as probabilities all agree, as logits none does.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(1), CheckTables.Single((0.2f, 0f).Times(30))));
        Assert.Contains("on 100.0 % of the labelled rows", error.Message);
        Assert.Contains("agrees on 0.0 %", error.Message);
    }
}
