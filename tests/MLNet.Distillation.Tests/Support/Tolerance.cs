namespace MLNet.Distillation.Tests.Support;

internal static class Tolerance
{
    /// <summary>Asserts |expected − actual| ≤ absolute + relative·|expected| for every element, naming the first offender.</summary>
    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double absolute, double relative = 0, string what = "value")
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double bound = absolute + relative * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {bound:g3})");
        }
    }
}
