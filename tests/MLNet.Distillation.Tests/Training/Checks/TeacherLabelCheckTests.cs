namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// The rule every order check applies (<see cref="TeacherLabelCheck.Mismatched"/>: re-ordered must agree at least 0.3 more
/// and at least twice as often, both limits included) and the combined check (every check sees every row; they are
/// judged in order and the first refusal stops the rest).
/// </summary>
public sealed class TeacherLabelCheckTests
{
    [Theory]
    [InlineData(0.0, 0.3)]     // a gain of exactly 0.3 (0.3 − 0 is 0.3 in binary too)
    [InlineData(0.375, 0.75)]  // exactly twice (both exact in binary), with a gain of 0.375
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 0.75)]
    public void Re_ordered_agreement_at_or_above_both_limits_is_a_mismatch(double identity, double best)
        => Assert.True(TeacherLabelCheck.Mismatched(identity, best));

    [Theory]
    [InlineData(0.375, 0.74)]  // gain 0.365 but less than twice
    [InlineData(0.1, 0.39)]    // 3.9 times but a gain of 0.29
    [InlineData(0.4, 0.6)]     // a weak teacher: too close to tell
    [InlineData(0.9, 0.05)]    // the label's own order is the better one
    [InlineData(0.5, 0.5)]
    public void Re_ordered_agreement_below_either_limit_is_no_mismatch(double identity, double best)
        => Assert.False(TeacherLabelCheck.Mismatched(identity, best));

    [Fact]
    public void The_limits_are_the_documented_ones()
    {
        Assert.Equal(0.3, TeacherLabelCheck.MinimumGain);
        Assert.Equal(2, TeacherLabelCheck.MinimumRatio);
        Assert.Equal(30, TeacherLabelCheck.MinimumRows);
    }

    [Fact]
    public void Combined_checks_each_see_every_row_and_are_judged_in_order()
    {
        var log = new List<string>();
        var first = new Recording("first", log);
        var second = new Recording("second", log);
        var table = CheckTables.Single([(1f, 0f), (2f, 1f), (3f, float.NaN)]);
        var warnings = CheckTables.Judge(TeacherLabelCheck.Combine(first, second), table);
        Assert.Equal([0, 1, 2], first.Rows);
        Assert.Equal([0, 1, 2], second.Rows);
        Assert.Equal(["first", "second"], log);
        Assert.Equal(["first warns", "second warns"], warnings);
    }

    [Fact]
    public void A_combined_check_stops_at_the_first_refusal()
    {
        var log = new List<string>();
        var second = new Recording("second", log);
        var combined = TeacherLabelCheck.Combine(new Recording("first", log, refuse: true), second);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(combined, CheckTables.Single([(1f, 0f)])));
        Assert.Contains("first refuses", error.Message);
        Assert.Equal(["first"], log);
        Assert.Equal([0], second.Rows); // it was fed, only not judged
    }

    [Fact]
    public void A_block_fed_by_its_rows_passes_only_those_rows_on()
    {
        var check = new Recording("only", []);
        TeacherLabelCheck.Combine(check).Add(CheckTables.Single([(1f, 0f), (2f, 1f), (3f, 0f), (4f, 1f)]), [3, 1]);
        Assert.Equal([3, 1], check.Rows);
    }

    /// <summary>A check that records the rows it is given and when it is judged.</summary>
    private sealed class Recording(string name, List<string> log, bool refuse = false) : TeacherLabelCheck
    {
        public List<int> Rows { get; } = [];

        public override void Add(TrainingTable table, ReadOnlySpan<int> rows)
        {
            foreach (int r in rows)
                Rows.Add(r);
        }

        public override void Verify(Action<string> warn)
        {
            log.Add(name);
            if (refuse)
                throw new ArgumentOutOfRangeException(name, $"{name} refuses");
            warn($"{name} warns");
        }
    }
}
