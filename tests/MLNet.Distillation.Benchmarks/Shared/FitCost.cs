using System.Diagnostics;

namespace MLNet.Distillation.Benchmarks;

/// <summary>Wall time of a Fit and the highest working set above the process's level before it, sampled every 10 ms.</summary>
internal sealed record FitCost(double Seconds, double PeakMegabytes)
{
    public static (T Result, FitCost Cost) Measure<T>(Func<T> fit)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long before = process.WorkingSet64, peak = before;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            using var p = Process.GetCurrentProcess();
            while (!done.Wait(10))
            {
                p.Refresh();
                peak = Math.Max(peak, p.WorkingSet64);
            }
        })
        { IsBackground = true };
        sampler.Start();
        var clock = Stopwatch.StartNew();
        var result = fit();
        clock.Stop();
        done.Set();
        sampler.Join();
        return (result, new FitCost(clock.Elapsed.TotalSeconds, (peak - before) / 1e6));
    }
}
