namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// The running sums of the regression checks: <see cref="PairedMoments"/> gives the means and Count × the variances and
/// covariance of the pairs added, worked by hand, and keeps them exact for values far from zero (the sums are shifted by the
/// first pair).
/// </summary>
public sealed class PairedMomentsTests
{
    [Fact]
    public void The_moments_of_four_pairs_are_the_hand_worked_ones()
    {
        // Teacher 1, 2, 3, 4 (mean 2.5; deviations −1.5, −0.5, 0.5, 1.5); label 8, 6, 4, 2 (mean 5; deviations 3, 1, −1, −3).
        var moments = Moments((1, 8), (2, 6), (3, 4), (4, 2));
        Assert.Equal(4, moments.Count);
        Assert.Equal(2.5, moments.TeacherMean, 12);
        Assert.Equal(5, moments.LabelMean, 12);
        Assert.Equal(2.25 + 0.25 + 0.25 + 2.25, moments.TeacherSquares, 12);   // 5
        Assert.Equal(9 + 1 + 1 + 9, moments.LabelSquares, 12);                 // 20
        Assert.Equal(-4.5 - 0.5 - 0.5 - 4.5, moments.CoSum, 12);               // −10
    }

    [Fact]
    public void Values_far_from_zero_lose_no_precision()
    {
        // The same pairs moved by 10⁸ and −5·10⁷: summed unshifted, the squares (10¹⁶) would swallow the deviations.
        var moments = Moments((1e8 + 1, 5e7 + 8), (1e8 + 2, 5e7 + 6), (1e8 + 3, 5e7 + 4), (1e8 + 4, 5e7 + 2));
        Assert.Equal(1e8 + 2.5, moments.TeacherMean, 6);
        Assert.Equal(5e7 + 5, moments.LabelMean, 6);
        Assert.Equal(5, moments.TeacherSquares, 9);
        Assert.Equal(20, moments.LabelSquares, 9);
        Assert.Equal(-10, moments.CoSum, 9);
    }

    [Fact]
    public void A_single_pair_has_its_own_values_as_means_and_no_spread()
    {
        var moments = Moments((-3, 7));
        Assert.Equal(1, moments.Count);
        Assert.Equal(-3, moments.TeacherMean);
        Assert.Equal(7, moments.LabelMean);
        Assert.Equal(0, moments.TeacherSquares);
        Assert.Equal(0, moments.LabelSquares);
        Assert.Equal(0, moments.CoSum);
    }

    [Fact]
    public void Teacher_and_label_are_kept_apart()
    {
        // A constant label beside a spread teacher: only the teacher has a spread, and nothing co-varies.
        var moments = Moments((10, 1), (20, 1), (30, 1));
        Assert.Equal(20, moments.TeacherMean, 12);
        Assert.Equal(1, moments.LabelMean, 12);
        Assert.Equal(100 + 0 + 100, moments.TeacherSquares, 12);
        Assert.Equal(0, moments.LabelSquares, 12);
        Assert.Equal(0, moments.CoSum, 12);
    }

    private static PairedMoments Moments(params (double Teacher, double Label)[] pairs)
    {
        var moments = new PairedMoments();
        foreach (var (teacher, label) in pairs)
            moments.Add(teacher, label);
        return moments;
    }
}
