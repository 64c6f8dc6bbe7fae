using System.Diagnostics;

namespace MLNet.Distillation.Benchmarks;

/// <summary>Runs a suite's experiments in order, timing the whole run, and collects their results into one report.</summary>
internal static class BenchmarkRunner
{
    public static BenchmarkReport Run(IBenchmarkSuite suite, BenchmarkSettings settings, IReadOnlySet<string>? only = null)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        void Log(string message) => Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {message}");

        var results = new List<(string Name, ExperimentResult Result)>();
        foreach (var experiment in suite.Prepare(settings, Log))
        {
            if (only is not null && !only.Contains(experiment.Name))
                continue;
            Log($"experiment {experiment.Name}");
            results.Add((experiment.Name, experiment.Run()));
        }
        return new BenchmarkReport(suite.SuiteName, suite.Title, settings.Mode, started, clock.Elapsed.TotalSeconds, Machine.Describe(),
            Process.GetCurrentProcess().PeakWorkingSet64, results.ToDictionary(r => r.Name, r => (object)r.Result));
    }
}
