using Xunit.Abstractions;
using Xunit.Sdk;

namespace MLNet.Distillation.Testing;

/// <summary>
/// A fact that can skip itself at run time: throwing <see cref="SkipTestException"/> (via <see cref="SkipTest.Because"/>)
/// reports the test as skipped with that message instead of failed. xunit 2.9 has no run-time skip of its own.
/// </summary>
// Compiled into each test project (linked from tests/Shared): the discoverer is found in the assembly that holds the tests.
[XunitTestCaseDiscoverer("MLNet.Distillation.Testing.SkippableFactDiscoverer", TestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactAttribute : FactAttribute;

/// <summary>Thrown by a <see cref="SkippableFactAttribute"/> test to skip itself; the message says why.</summary>
public sealed class SkipTestException(string reason) : Exception(reason);

/// <summary>Run-time skips.</summary>
public static class SkipTest
{
    /// <summary>Skips the running <see cref="SkippableFactAttribute"/> test with <paramref name="reason"/>.</summary>
    public static void Because(string reason) => throw new SkipTestException(reason);
}

/// <summary>Finds <see cref="SkippableFactAttribute"/> tests.</summary>
public sealed class SkippableFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc/>
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
        => [new SkippableTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A test case whose <see cref="SkipTestException"/> failures are reported as skips.</summary>
public sealed class SkippableTestCase : XunitTestCase
{
    /// <summary>For the de-serializer.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippableTestCase() { }

    /// <summary>Creates the test case.</summary>
    public SkippableTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method) { }

    /// <inheritdoc/>
    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var bus = new SkippingMessageBus(messageBus);
        var summary = await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        if (bus.Skipped > 0)
        {
            summary.Failed -= bus.Skipped;
            summary.Skipped += bus.Skipped;
        }
        return summary;
    }

    private sealed class SkippingMessageBus(IMessageBus inner) : IMessageBus
    {
        public int Skipped { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == typeof(SkipTestException).FullName)
            {
                Skipped++;
                return inner.QueueMessage(new TestSkipped(failed.Test, failed.Messages.FirstOrDefault()));
            }
            return inner.QueueMessage(message);
        }

        public void Dispose() { } // the runner owns the inner bus
    }
}
