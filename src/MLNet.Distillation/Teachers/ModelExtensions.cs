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
}
