using Microsoft.ML;
using MLNet.Distillation.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Helpers for distilled models, reached as <c>mlContext.Distillation</c>. The trainers themselves sit where ML.NET users
/// look for trainers: <c>mlContext.MulticlassClassification.Trainers.Distillation(...)</c>.
/// </summary>
public sealed class DistillationCatalog
{
    private readonly MLContext _mlContext;

    internal DistillationCatalog(MLContext mlContext) => _mlContext = mlContext;

    /// <summary>
    /// Saves the student part of a fitted pipeline (<see cref="ModelExtensions.Student"/>: teacher stages dropped) as an
    /// ML.NET model .zip. The file is written under a temporary name and renamed, so a failure leaves any earlier file intact.
    /// </summary>
    /// <param name="model">The fitted pipeline or student.</param>
    /// <param name="inputSchema">The schema of the data the model takes (e.g. <c>trainData.Schema</c>).</param>
    /// <param name="path">The .zip to write.</param>
    public void SaveStudent(ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var student = model.Student();
        AtomicFile.Write(path, stream => _mlContext.Model.Save(student, inputSchema, stream));
    }

    /// <summary>
    /// Cancels everything running in this MLContext, through ML.NET's own mechanism (which ML.NET 5 keeps internal): a
    /// distillation Fit stops before its next mini-batch (or block of rows being read) with an
    /// <see cref="OperationCanceledException"/> and writes nothing. As in ML.NET, the context stays cancelled; use a new
    /// MLContext afterwards. To stop one Fit only, set <see cref="DistillationTrainerOptions.CancellationToken"/> instead.
    /// </summary>
    public void CancelExecution() => ContextCancellation.Cancel(_mlContext);

    /// <summary>
    /// Loads a model saved with <c>mlContext.Model.Save</c> that contains a student, after registering
    /// <c>MLNet.Distillation.Runtime</c> so ML.NET finds the student's mapping stages. Equivalent to
    /// <see cref="StudentModelLoader.Load"/>.
    /// </summary>
    /// <param name="path">The model .zip.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    public ITransformer LoadModel(string path, out DataViewSchema inputSchema)
        => StudentModelLoader.Load(_mlContext, path, out inputSchema);
}
