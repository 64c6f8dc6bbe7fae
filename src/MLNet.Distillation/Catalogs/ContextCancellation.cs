using System.Reflection;
using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// ML.NET's own cancellation: an MLContext whose execution is cancelled stops every host registered with it. ML.NET 5
/// keeps both the flag (<c>ICancelable.IsCanceled</c>) and <c>MLContext.CancelExecution()</c> internal, so they are
/// reached by reflection, as ML.NET's own components reach them directly.
/// </summary>
internal static class ContextCancellation
{
    private const string CancelableInterface = "Microsoft.ML.Runtime.ICancelable";

    /// <summary>
    /// Whether the environment (or host) reports its execution cancelled, as a probe that is cheap to call before every
    /// mini-batch (the reflection runs once); always false when the environment cannot be cancelled.
    /// </summary>
    public static Func<bool> Probe(object environment)
    {
        var property = environment.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == CancelableInterface)?.GetProperty("IsCanceled");
        if (property?.GetMethod is not { } getter)
            return () => false;
        // A delegate bound to the interface getter dispatches to the environment's implementation without reflection per call.
        return Delegate.CreateDelegate(typeof(Func<bool>), environment, getter, throwOnBindFailure: false) as Func<bool>
            ?? (() => getter.Invoke(environment, null) is true);
    }

    /// <summary>Calls the context's internal <c>CancelExecution()</c>.</summary>
    public static void Cancel(MLContext mlContext)
    {
        var method = typeof(MLContext)
            .GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes)
            ?? throw new NotSupportedException("This version of Microsoft.ML has no MLContext.CancelExecution.");
        method.Invoke(mlContext, null);
    }
}
