namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// The assignment problem behind the class-order check: <see cref="Assignment.Maximise"/> returns a one-to-one matching of
/// rows to columns whose total is the largest there is, checked against hand-worked matrices and against trying every
/// permutation.
/// </summary>
public sealed class AssignmentTests
{
    [Fact]
    public void A_matrix_of_one_assigns_its_only_row_to_its_only_column() => Assert.Equal([0], Assignment.Maximise(new double[,] { { -7 } }));

    [Fact]
    public void The_best_matching_is_found_where_taking_each_row_s_largest_score_in_turn_is_not_the_best()
    {
        // Row 0's largest is column 0 (5), which leaves row 1 with 1: 6 in all. Crossed, 4 + 4 = 8.
        Assert.Equal([1, 0], Assignment.Maximise(new double[,] { { 5, 4 }, { 4, 1 } }));
        // Every permutation of three, by hand: (0,1,2) 9+5+1 = 15, (0,2,1) 9+4+2 = 15, (1,0,2) 8+8+1 = 17,
        // (1,2,0) 8+4+7 = 19, (2,0,1) 1+8+2 = 11, (2,1,0) 1+5+7 = 13: the best is row 0 → 1, row 1 → 2, row 2 → 0.
        Assert.Equal([1, 2, 0], Assignment.Maximise(new double[,] { { 9, 8, 1 }, { 8, 5, 4 }, { 7, 2, 1 } }));
    }

    [Fact]
    public void A_diagonal_that_outweighs_the_rest_is_kept_as_it_is()
        => Assert.Equal([0, 1, 2, 3], Assignment.Maximise(new double[,] { { 10, 1, 2, 3 }, { 3, 10, 1, 2 }, { 2, 3, 10, 1 }, { 1, 2, 3, 10 } }));

    [Fact]
    public void A_counts_matrix_of_reversed_classes_is_matched_in_reverse()
        => Assert.Equal([3, 2, 1, 0], Assignment.Maximise(new double[,] { { 0, 1, 2, 30 }, { 0, 3, 25, 1 }, { 2, 28, 0, 0 }, { 40, 0, 0, 1 } }));

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void The_total_matches_the_best_of_every_permutation(int n)
    {
        var random = new Random(n);
        for (int trial = 0; trial < 40; trial++)
        {
            var score = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    score[i, j] = random.Next(-20, 21); // integers: totals compare exactly
            var assignment = Assignment.Maximise(score);
            Assert.Equal(Enumerable.Range(0, n), assignment.Order()); // a permutation: every column once
            Assert.Equal(Permutations(n).Max(p => Total(score, p)), Total(score, assignment));
        }
    }

    private static double Total(double[,] score, IReadOnlyList<int> assignment) => Enumerable.Range(0, assignment.Count).Sum(i => score[i, assignment[i]]);

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0)
        {
            yield return [];
            yield break;
        }
        foreach (var shorter in Permutations(n - 1))
            for (int at = 0; at <= shorter.Length; at++)
                yield return [.. shorter[..at], n - 1, .. shorter[at..]];
    }
}
