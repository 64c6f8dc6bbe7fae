using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Deployment;
using MLNet.Distillation.Students;
using MLNet.Distillation.Training;

namespace MLNet.Distillation;

/// <summary>The distillation trainers and helpers, reached as <c>mlContext.Distillation</c>.</summary>
public sealed class DistillationCatalog
{
    private readonly MLContext _mlContext;

    internal DistillationCatalog(MLContext mlContext) => _mlContext = mlContext;

    /// <summary>A distillation trainer with the common settings as parameters.</summary>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The float-vector feature column.</param>
    /// <param name="teacherColumnName">The teacher-logits column; null trains from labels alone.</param>
    /// <param name="temperature">Softening temperature T.</param>
    /// <param name="alpha">Weight of the hard-label term; the soft-target term gets 1 − alpha.</param>
    /// <param name="hiddenLayers">Hidden-layer widths of the MLP student; null for one layer of 64.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    public DistillationTrainer Trainer(string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
        string? teacherColumnName = DefaultColumnNames.TeacherLogits, float temperature = 4f, float alpha = 0.1f, int[]? hiddenLayers = null, int numberOfEpochs = 20)
        => new(_mlContext, new DistillationTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            TeacherColumnName = teacherColumnName,
            Temperature = temperature,
            Alpha = alpha,
            Student = new MlpStudent { HiddenLayers = hiddenLayers ?? [64] },
            NumberOfEpochs = numberOfEpochs,
        });

    /// <summary>A distillation trainer configured by an options object.</summary>
    /// <param name="options">All settings.</param>
    public DistillationTrainer Trainer(DistillationTrainer.Options options) => new(_mlContext, options);

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
        Internal.AtomicFile.Write(path, stream => _mlContext.Model.Save(student, inputSchema, stream));
    }

    /// <summary>
    /// Loads a model saved with <c>mlContext.Model.Save</c> that contains a student, after registering this assembly so
    /// ML.NET finds the student's arg-max stage. Equivalent to <c>mlContext.ComponentCatalog.RegisterAssembly(...)</c> then <c>mlContext.Model.Load</c>.
    /// </summary>
    /// <param name="path">The model .zip.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    public ITransformer LoadModel(string path, out DataViewSchema inputSchema)
        => StudentModelLoader.Load(_mlContext, path, out inputSchema);
}
