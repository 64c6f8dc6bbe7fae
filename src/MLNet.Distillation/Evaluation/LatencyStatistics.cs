using System.Diagnostics;

namespace MLNet.Distillation;

/// <summary>Single-call latency percentiles, in microseconds.</summary>
/// <param name="P50Microseconds">Median.</param>
/// <param name="P95Microseconds">95th percentile.</param>
/// <param name="MeanMicroseconds">Mean.</param>
/// <param name="Calls">Timed calls.</param>
public sealed record LatencyStatistics(double P50Microseconds, double P95Microseconds, double MeanMicroseconds, int Calls)
{
    /// <summary>Times <paramref name="call"/> one call at a time after <paramref name="warmup"/> untimed calls.</summary>
    /// <param name="call">The operation; receives the call index (to cycle through inputs).</param>
    /// <param name="calls">Timed calls.</param>
    /// <param name="warmup">Untimed calls first (JIT, caches, lazy initialisation).</param>
    public static LatencyStatistics Measure(Action<int> call, int calls = 2000, int warmup = 200)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        for (int i = 0; i < warmup; i++)
            call(i);
        var samples = new double[calls];
        double tickToMicroseconds = 1e6 / Stopwatch.Frequency;
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call(i);
            samples[i] = (Stopwatch.GetTimestamp() - start) * tickToMicroseconds;
        }
        Array.Sort(samples);
        return new LatencyStatistics(Percentile(samples, 0.50), Percentile(samples, 0.95), samples.Average(), calls);
    }

    /// <summary>Linear interpolation between the two nearest ranks (NumPy's default).</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}
