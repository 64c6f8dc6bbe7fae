using Microsoft.ML;

namespace MLNet.Distillation.Runtime;

/// <summary>Loads saved students in applications that only predict (this assembly needs neither TorchSharp nor libtorch).</summary>
public static class StudentModelLoader
{
    /// <summary>
    /// Registers the student's arg-max stage with <paramref name="mlContext"/> so that <c>mlContext.Model.Load</c> can
    /// rebuild it. Idempotent; call once per context before loading.
    /// </summary>
    /// <param name="mlContext">The context that will load the model.</param>
    public static void RegisterStudentComponents(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        mlContext.ComponentCatalog.RegisterAssembly(typeof(PredictedLabelMapping).Assembly);
    }

    /// <summary>Registers the student components and loads a model .zip; a damaged file is an error that names it.</summary>
    /// <param name="mlContext">The context to load with.</param>
    /// <param name="path">The model written by <c>mlContext.Model.Save</c> or <c>mlContext.Distillation.SaveStudent</c>.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        RegisterStudentComponents(mlContext);
        try { return mlContext.Model.Load(path, out inputSchema); }
        catch (Exception e) when (e is not OutOfMemoryException and not FileNotFoundException)
        {
            // ML.NET reports a truncated or foreign file as a bare FormatException or TargetInvocationException.
            var cause = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            throw new InvalidDataException($"The model file '{path}' could not be loaded (is it a whole ML.NET model .zip?): {cause.Message}", e);
        }
    }
}
