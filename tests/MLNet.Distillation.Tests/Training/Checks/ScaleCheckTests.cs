namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// The regression scale check (<see cref="ScaleCheck"/>) at its limits. Labels of ±a with a teacher of ±b give exact
/// figures (slope a/b, spread b/a, every sum an integer), so each limit is met exactly: slope ≤ 1/3 with spread ≥ 3 (or
/// slope ≥ 3 with spread ≤ 1/3), or an offset of 3 label deviations, refuses; half that warns; a low slope alone (a noisy
/// teacher) or a small spread alone (a weak one) is not enough; a teacher that does not track the label (Pearson and rank
/// correlation below 0.3), a constant teacher or label, and fewer than 30 labelled rows are not judged; past 10,000 rows the
/// rank correlation reads a sample of every row. Also Spearman's rank correlation with ties, against hand-worked values.
/// </summary>
public sealed class ScaleCheckTests
{
    private static ScaleCheck Check() => new("Teacher", "Strength");

    /// <summary>40 rows of label ±<paramref name="label"/> (alternating) and teacher <paramref name="teacher"/> of that label.</summary>
    private static TrainingTable Pairs(Func<float, float> teacher, float label = 1)
        => CheckTables.Single(Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? label : -label).Select(y => (teacher(y), y)));

    /// <summary>
    /// A noisy teacher k·(y + c·s) of labels y = (1, 1, −1, −1) with noise signs s = (1, −1, 1, −1), orthogonal to y, ten
    /// times over: r = 1/√(1 + c²), spread k·√(1 + c²), slope 1/(k·(1 + c²)).
    /// </summary>
    private static TrainingTable Noisy(float c, float k = 1)
    {
        float[] y = [1, 1, -1, -1], s = [1, -1, 1, -1];
        return CheckTables.Single(Enumerable.Range(0, 40).Select(i => (k * (y[i % 4] + c * s[i % 4]), y[i % 4])));
    }

    private static string Refusal(TrainingTable table) => Assert.Throws<ArgumentOutOfRangeException>(() => CheckTables.Judge(Check(), table)).Message;

    private static string Warning(TrainingTable table) => Assert.Single(CheckTables.Judge(Check(), table));

    [Fact]
    public void A_teacher_in_the_label_s_units_passes_without_a_word()
    {
        Assert.Empty(CheckTables.Judge(Check(), Pairs(y => y)));
        Assert.Empty(CheckTables.Judge(Check(), Pairs(y => y + 0.5f))); // half a label deviation off
    }

    [Fact]
    public void A_teacher_on_three_times_the_scale_is_refused_with_its_figures()
    {
        // Slope 1/3 and spread 3, both exactly at the limit.
        string message = Refusal(Pairs(y => 3 * y));
        Assert.StartsWith("Teacher column 'Teacher' predicts label 'Strength' on another scale: over 40 labelled rows, least squares gives label ≈ 0.333 × teacher + 0 ", message);
        Assert.Contains("the teacher's spread is 3× the label's (standard deviations 3 and 1); its mean is 0 against the label's 0 (0 label standard deviations off); " +
            "correlation 1.00, rank correlation 1.00", message);
    }

    [Fact]
    public void A_teacher_on_a_third_of_the_scale_is_refused()
    {
        // Labels ±3, teacher ±1: slope 3 and spread 1/3, both exactly at the limit.
        string message = Refusal(Pairs(y => y / 3, label: 3));
        Assert.Contains("label ≈ 3 × teacher + 0", message);
        Assert.Contains("spread is 0.333× the label's (standard deviations 1 and 3)", message);
    }

    [Fact]
    public void Twice_or_half_the_scale_is_a_warning()
    {
        // Slope 1/2 and spread 2; then labels ±2 beside a teacher of ±1: slope 2 and spread 1/2. Each exactly at the warning's limit.
        string twice = Warning(Pairs(y => 2 * y));
        Assert.StartsWith("Teacher column 'Teacher' may predict label 'Strength' on another scale or offset: over 40 labelled rows, least squares gives label ≈ 0.5 × teacher + 0 ", twice);
        Assert.Contains("spread is 2× the label's", twice);
        Assert.Contains("label ≈ 2 × teacher + 0", Warning(Pairs(y => y / 2, label: 2)));
    }

    [Theory]
    [InlineData(3, "label ≈ 1 × teacher − 3", "its mean is 3 against the label's 0 (3 label standard deviations off)")]
    [InlineData(-3, "label ≈ 1 × teacher + 3", "its mean is -3 against the label's 0 (-3 label standard deviations off)")]
    public void An_offset_of_three_label_deviations_either_way_is_refused(float offset, string fit, string mean)
    {
        string message = Refusal(Pairs(y => y + offset));
        Assert.Contains(fit, message);
        Assert.Contains(mean, message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(2.5f)]
    public void An_offset_of_one_to_three_label_deviations_is_a_warning(float offset)
        => Assert.Contains("label standard deviations off", Warning(Pairs(y => y + offset)));

    [Fact]
    public void A_noisy_teacher_in_the_label_s_units_needs_a_wide_spread_as_well_as_a_low_slope()
    {
        // c = 2: r = 0.447, slope 1/5 (≤ 1/3) but spread √5 = 2.24 (< 3): a warning, not a refusal.
        Assert.Contains("spread is 2.236×", Warning(Noisy(2)));
        // c = 1.25: slope 1/2.5625 = 0.39 (≤ 1/2) but spread 1.6 (< 2): nothing.
        Assert.Empty(CheckTables.Judge(Check(), Noisy(1.25f)));
    }

    [Fact]
    public void A_weak_teacher_of_small_spread_needs_a_steep_slope_as_well()
    {
        // c = 1.75 (1 + c² = 4.0625, r = 0.496). k = 0.1: spread 0.2 (≤ 1/3) but slope 2.46 (< 3): a warning, not a refusal.
        Assert.Contains("label ≈ 2.462 × teacher", Warning(Noisy(1.75f, k: 0.1f)));
        // k = 0.2: spread 0.4 (≤ 1/2) but slope 1.23 (< 2): nothing.
        Assert.Empty(CheckTables.Judge(Check(), Noisy(1.75f, k: 0.2f)));
    }

    [Fact]
    public void A_teacher_that_does_not_track_the_label_is_not_judged_however_far_off()
    {
        // Pairs of rows at teacher 100 + j ± 0.01 with labels ±1: r ≈ 0.002, rank correlation ≈ 0.04, both below 0.3,
        // though the teacher is 109.5 label deviations off.
        var rows = Enumerable.Range(0, 20).SelectMany(j => new[] { (100f + j + 0.01f, 1f), (100f + j - 0.01f, -1f) });
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(rows)));
    }

    [Fact]
    public void A_monotone_teacher_is_judged_by_its_rank_correlation_when_an_outlier_lowers_its_correlation()
    {
        // Teacher = label for labels 1..39, and 10⁶ for label 40: Pearson's r 0.27, rank correlation 1. Worked exactly:
        // Σ(y − ȳ)² = 40 · (40² − 1) / 12 = 5,330; with D = 10⁶ − 40 the teacher's Σ(t − t̄)(y − ȳ) = 5,330 + 19.5 D
        // = 19,504,550 and Σ(t − t̄)² = 5,330 + 39 D + (39/40) D² = 974,961,005,330. Slope 2.0005·10⁻⁵; mean 25,019.5
        // against 20.5, so the intercept is 20.5 − slope · 25,019.5 = 19.9995; spread √(Σt²/Σy²) = 13,524.8; standard
        // deviations 156,121.8 and 11.5434; offset (25,019.5 − 20.5) / 11.5434 = 2,165.654.
        var rows = Enumerable.Range(1, 40).Select(y => (y == 40 ? 1e6f : y, (float)y));
        Assert.Contains("over 40 labelled rows, least squares gives label ≈ 2.001e-5 × teacher + 19.999 (1 × teacher + 0 for a teacher in the label's units); " +
            "the teacher's spread is 1.352e+4× the label's (standard deviations 1.561e+5 and 11.543); its mean is 2.502e+4 against the label's 20.5 " +
            "(2165.654 label standard deviations off); correlation 0.27, rank correlation 1.00", Refusal(CheckTables.Single(rows)));
    }

    [Fact]
    public void Past_the_sample_size_the_rank_correlation_reads_a_sample_of_every_row_not_the_first_ones()
    {
        // 100,000 labelled rows, labels 0..999 over and over. On the first 10,000 the teacher is noise (rank correlation
        // about 0); on the other 90,000 it is the label, but for the last row, 10⁹, which takes Pearson's r down to about
        // 0.006. A uniform sample of the rows is nine tenths rows that follow the label: the rank correlation is well above
        // 0.3, and the teacher is judged and refused (its spread is thousands of label spreads). Ranked on the first 10,000
        // rows alone it would not be judged at all.
        var noise = new Random(1);
        var rows = Enumerable.Range(0, 100_000).Select(i => (i < 10_000 ? noise.Next(1000) : i == 99_999 ? 1e9f : i % 1000, (float)(i % 1000)));
        Assert.Contains("correlation 0.01, rank correlation 0.", Refusal(CheckTables.Single(rows)));
    }

    [Fact]
    public void A_constant_teacher_or_label_is_not_judged()
    {
        Assert.Empty(CheckTables.Judge(Check(), Pairs(_ => 10)));
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(Enumerable.Range(0, 40).Select(i => ((float)i, 1f)))));
    }

    [Fact]
    public void Fewer_than_30_labelled_rows_are_not_judged_and_rows_without_label_are_not_counted()
    {
        // Four times the scale on 29 labelled rows (and 5 unlabelled): not judged. On 30: refused, over 30 rows.
        Assert.Empty(CheckTables.Judge(Check(), CheckTables.Single(Enumerable.Range(0, 29).Select(i => (4f * i, (float)i)).Concat((0f, float.NaN).Times(5)))));
        Assert.Contains("over 30 labelled rows", Refusal(CheckTables.Single(Enumerable.Range(0, 30).Select(i => (4f * i, (float)i)).Concat((0f, float.NaN).Times(5)))));
    }

    [Fact]
    public void A_table_without_a_teacher_column_adds_nothing()
        => Assert.Empty(CheckTables.Judge(Check(), CheckTables.WithoutTeacher(1, Enumerable.Range(0, 40).Select(i => (float)i))));

    [Fact]
    public void The_rank_correlation_gives_ties_their_mean_rank()
    {
        // Teacher 1, 2, 2, 4 ranks 1, 2.5, 2.5, 4; label 1, 3, 2, 4 ranks 1, 3, 2, 4. Deviations from 2.5: (−1.5, 0, 0, 1.5)
        // and (−1.5, 0.5, −0.5, 1.5): Σ = 4.5, Σt² = 4.5, Σy² = 5, so ρ = 4.5 / √22.5 = 3 / √10.
        Assert.Equal(3 / Math.Sqrt(10), ScaleCheck.RankCorrelation([(1, 1), (2, 3), (2, 2), (4, 4)]), 12);
        // A tie at the end: teacher 1, 3, 3 ranks 1, 2.5, 2.5; label ranks 1, 2, 3: Σ = 1.5, Σt² = 1.5, Σy² = 2, ρ = 1.5 / √3.
        Assert.Equal(1.5 / Math.Sqrt(3), ScaleCheck.RankCorrelation([(1, 1), (3, 2), (3, 3)]), 12);
        // A tie at the start, rows out of order: teacher 5, 0, 0 ranks 3, 1.5, 1.5; label 3, 1, 2 ranks 3, 1, 2. Deviations from 2:
        // (1, −0.5, −0.5) and (1, −1, 0): Σ = 1.5, Σt² = 1.5, Σy² = 2, ρ = 1.5 / √3 again.
        Assert.Equal(1.5 / Math.Sqrt(3), ScaleCheck.RankCorrelation([(5, 3), (0, 1), (0, 2)]), 12);
    }

    [Theory]
    [InlineData(9999.4, "9999.4")]
    [InlineData(10000, "1e+4")]         // from 10,000 up, scientific
    [InlineData(-12340, "-1.234e+4")]
    [InlineData(0.001, "0.001")]        // down to 0.001, three decimals
    [InlineData(0.00099, "9.9e-4")]     // below it, scientific
    [InlineData(0, "0")]                // zero is not "small"
    public void The_figures_switch_to_scientific_notation_outside_a_thousandth_to_ten_thousand(double value, string expected)
        => Assert.Equal(expected, ScaleCheck.Number(value));

    [Fact]
    public void The_rank_correlation_reads_ranks_not_values()
    {
        var monotone = Enumerable.Range(1, 10).Select(i => ((float)Math.Exp(i), (float)i)).ToArray();
        Assert.Equal(1, ScaleCheck.RankCorrelation(monotone), 12);
        Assert.Equal(-1, ScaleCheck.RankCorrelation(monotone.Select(p => (-p.Item1, p.Item2)).ToArray()), 12);
        // Unsorted input: teacher 3, 1, 2 against label 30, 10, 20.
        Assert.Equal(1, ScaleCheck.RankCorrelation([(3, 30), (1, 10), (2, 20)]), 12);
    }

    [Fact]
    public void The_rank_correlation_of_a_constant_side_is_zero()
    {
        Assert.Equal(0, ScaleCheck.RankCorrelation([(1, 1), (1, 2), (1, 3)]));
        Assert.Equal(0, ScaleCheck.RankCorrelation([(1, 5), (2, 5), (3, 5)]));
    }
}
