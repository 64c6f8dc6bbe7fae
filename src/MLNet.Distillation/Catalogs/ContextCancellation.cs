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

    /// <summary>Whether the environment (or host) reports its execution cancelled; false when it cannot tell.</summary>
    public static bool IsCanceled(object environment)
    {
        var property = environment.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == CancelableInterface)?.GetProperty("IsCanceled");
        return property?.GetValue(environment) is true;
    }

    /// <summary>Calls the context's internal <c>CancelExecution()</c>.</summary>
    public static void Cancel(MLContext mlContext)
    {
        var method = typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes)
            ?? throw new NotSupportedException("This version of Microsoft.ML has no MLContext.CancelExecution.");
        method.Invoke(mlContext, null);
    }
}
