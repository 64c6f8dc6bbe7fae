using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace MLNet.Distillation.Benchmarks;

/// <summary>The machine's matrix-multiply peak through libtorch with the threads training uses: the ceiling for training throughput.</summary>
internal sealed class GemmPeak(SpeedContext context) : IExperiment
{
    public string Name => "gemmPeak";

    public ExperimentResult Run()
    {
        var rates = new Dictionary<int, double>();
        foreach (int n in new[] { 512, 1024, 2048 })
        {
            using var a = randn(n, n);
            using var b = randn(n, n);
            for (int i = 0; i < 3; i++) mm(a, b).Dispose();
            int reps = Math.Max(3, (int)(4e10 / (2.0 * n * n * n)));
            double best = double.MaxValue;
            for (int trial = 0; trial < 3; trial++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < reps; i++) mm(a, b).Dispose();
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            rates[n] = 2.0 * n * n * n * reps / best / 1e9;
        }
        context.PeakGflops = rates.Values.Max();
        context.Log($"GEMM peak {context.PeakGflops:F1} GFLOP/s ({string.Join(", ", rates.Select(r => $"{r.Key}: {r.Value:F1}"))})");
        return new Result(get_num_threads(), rates.ToDictionary(r => r.Key.ToString(CultureInfo.InvariantCulture), r => r.Value), context.PeakGflops);
    }

    internal sealed record Result(int Threads, Dictionary<string, double> GflopsBySize, double PeakGflops) : ExperimentResult
    {
        public override string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
            $"Measured matrix-multiply peak (libtorch `mm`, float32, {Threads} threads, best of 3): **{PeakGflops:F1} GFLOP/s** " +
            $"({string.Join(", ", GflopsBySize.Select(g => $"{g.Key}²: {g.Value:F1}"))}).\n");
    }
}
