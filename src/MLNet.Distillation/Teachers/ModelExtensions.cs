using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>Helpers for fitted distillation pipelines.</summary>
public static class ModelExtensions
{
    /// <summary>
    /// The fitted pipeline without its teacher stages: what to save, deploy and build prediction engines from.
    /// Nested chains are searched too. The teacher's resources are not released (the original model still holds it).
    /// </summary>
    /// <param name="model">A fitted pipeline, typically <c>TeacherScore(...).Append(Trainer(...)).Fit(data)</c>.</param>
    public static ITransformer Student(this ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model switch
        {
            TeacherScoringTransformer => throw new ArgumentException("The model is only a teacher stage; it has no student.", nameof(model)),
            IEnumerable<ITransformer> chain => new TransformerChain<ITransformer>(chain
                .Where(t => t is not TeacherScoringTransformer)
                .Select(t => t is IEnumerable<ITransformer> ? t.Student() : t)
                .ToArray()),
            _ => model,
        };
    }

    /// <summary>
    /// The per-epoch record of the distillation trainer in a fitted pipeline: each loss term's mean, the weighted total,
    /// training accuracy and, with a validation set, validation accuracy and loss. Nested chains are searched.
    /// </summary>
    /// <param name="model">A fitted pipeline, typically <c>TeacherScore(...).Append(Trainer(...)).Fit(data)</c>, or the student itself.</param>
    /// <exception cref="ArgumentException">The model holds no student trained in this process: a model reloaded from a
    /// file keeps its weights, not its history (keep <c>TrainingHistory()</c> before saving if you need it).</exception>
    public static IReadOnlyList<EpochReport> TrainingHistory(this ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return FindStudent(model)?.TrainingHistory
            ?? throw new ArgumentException("The model holds no distillation student trained in this process (a model loaded from a file keeps no training history).", nameof(model));
    }

    /// <summary>The last <see cref="StudentTransformer"/> in a model, nested chains searched; null when there is none.</summary>
    internal static StudentTransformer? FindStudent(ITransformer model) => model switch
    {
        StudentTransformer student => student,
        IEnumerable<ITransformer> chain => chain.Select(FindStudent).LastOrDefault(s => s is not null),
        _ => null,
    };
}
