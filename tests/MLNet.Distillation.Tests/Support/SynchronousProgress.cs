namespace MLNet.Distillation.Tests.Support;

/// <summary>Hands each report to a callback on the reporting thread (Progress&lt;T&gt; would post it to another one).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
