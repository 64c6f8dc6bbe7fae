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
        var experiments = suite.Prepare(settings, Log);
        var unknown = only?.Except(experiments.Select(e => e.Name)).ToList();
        if (unknown is { Count: > 0 })
            throw new ArgumentException($"--only names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which the {suite.SuiteName} suite does not have; " +
                $"its experiments are {string.Join(", ", experiments.Select(e => e.Name))}.");
        foreach (var experiment in experiments)
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
