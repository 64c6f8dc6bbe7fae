using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Distils a teacher into a TorchSharp student that answers yes or no. The label is Boolean (or Single: 0, 1, or NaN for a
/// row without label); the fitted student writes ML.NET's binary columns, <c>Score</c> (the logit), <c>Probability</c>
/// (its sigmoid) and <c>PredictedLabel</c> (Score &gt; 0), so <c>mlContext.BinaryClassification.Evaluate</c> works
/// unchanged. Default loss: <c>alpha · BCE(y, σ(z_s)) + (1 − alpha) · T² · (1/B) Σ_b BCE(σ(z_t/T), σ(z_s/T))</c>, where the
/// teacher column holds the teacher's logit. Create it with <c>mlContext.BinaryClassification.Trainers.Distillation(...)</c>.
/// </summary>
public sealed class DistillationBinaryTrainer : DistillationTrainerBase<DistillationBinaryTrainer.Options>
{
    /// <summary>Options of <see cref="DistillationBinaryTrainer"/>; every setting is described on <see cref="DistillationTrainerOptions"/>.</summary>
    public sealed class Options : DistillationTrainerOptions
    {
        /// <summary>The task: <see cref="DistillationTask.BinaryClassification"/>.</summary>
        public override DistillationTask Task => DistillationTask.BinaryClassification;

        internal override IDistillationTrainer CreateTrainer(MLContext mlContext) => mlContext.BinaryClassification.Trainers.Distillation(this);

        internal override DistillationSearchResult Search(MLContext mlContext, IDataView data, DistillationSearchOptions? search)
            => mlContext.Distillation.SearchTemperatureAndAlpha(data, this, search);
    }

    internal DistillationBinaryTrainer(IHostEnvironment environment, Options options)
        : base(environment, options, BinaryTask.Instance)
    {
    }
}
