namespace MLNet.Distillation.Tests.Evaluation;

public sealed class LatencyStatisticsTests
{
    [Fact]
    public void Latency_percentiles_are_ordered()
    {
        var stats = LatencyStatistics.Measure(i => Thread.SpinWait(50 + i % 7), calls: 200, warmup: 10);
        Assert.Equal(200, stats.Calls);
        Assert.True(stats.P50Microseconds <= stats.P95Microseconds);
        Assert.True(stats.MeanMicroseconds > 0);
    }
}
