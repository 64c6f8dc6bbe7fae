using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// A distillation trainer of any task, for code that trains students without knowing the task in advance (a command line,
/// an AutoML-style sweep, a job worker): get one from <see cref="DistillationCatalog.Trainer"/> with the options of
/// <see cref="DistillationTrainerOptions.ForTask"/>. The task catalogs' <c>Distillation(...)</c> methods return the same
/// trainers with their task's type.
/// </summary>
public interface IDistillationTrainer : IEstimator<StudentTransformer>
{
    /// <summary>The task the trainer trains for.</summary>
    DistillationTask Task { get; }

    /// <summary>The loss terms the trainer minimises, with their weights, as written in logs (e.g. <c>0.1·ce + 0.9·kd</c>).</summary>
    string LossRecipeDescription { get; }

    /// <summary>Trains the student, measuring it on <paramref name="validationData"/> after every epoch.</summary>
    /// <param name="input">Training data.</param>
    /// <param name="validationData">Data with the same label and feature columns (the teacher column is not needed), or null.</param>
    StudentTransformer Fit(IDataView input, IDataView? validationData);
}
