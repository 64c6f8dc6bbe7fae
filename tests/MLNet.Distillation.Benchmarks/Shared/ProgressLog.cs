namespace MLNet.Distillation.Benchmarks;

/// <summary>Hands each epoch report to a callback on the training thread (Progress&lt;T&gt; would post it elsewhere).</summary>
internal sealed class ProgressLog(Action<EpochReport> report) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => report(value);
}
