using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Distils a teacher into a TorchSharp student that classifies into one of K classes. The label is a UInt32 key; the
/// fitted student writes <c>Score</c> (K class probabilities) and <c>PredictedLabel</c> (the label's key type, with its
/// key values), as ML.NET's multiclass trainers do. Default loss:
/// <c>alpha · CE(y, softmax(z_s)) + (1 − alpha) · T² · (1/B) Σ_b KL(softmax(z_t/T) ‖ softmax(z_s/T))</c>.
/// Create it with <c>mlContext.MulticlassClassification.Trainers.Distillation(...)</c>.
/// </summary>
public sealed class DistillationMulticlassTrainer : DistillationTrainerBase<DistillationMulticlassTrainer.Options>
{
    /// <summary>
    /// Options of <see cref="DistillationMulticlassTrainer"/>; every setting is described on
    /// <see cref="DistillationTrainerOptions"/>.
    /// </summary>
    public sealed class Options : DistillationTrainerOptions
    {
        /// <summary>The task: <see cref="DistillationTask.MulticlassClassification"/>.</summary>
        public override DistillationTask Task => DistillationTask.MulticlassClassification;

        internal override IDistillationTrainer CreateTrainer(MLContext mlContext) => mlContext.MulticlassClassification.Trainers.Distillation(this);

        internal override DistillationSearchResult Search(MLContext mlContext, IDataView data, DistillationSearchOptions? search)
            => mlContext.Distillation.SearchTemperatureAndAlpha(data, this, search);
    }

    internal DistillationMulticlassTrainer(IHostEnvironment environment, Options options)
        : base(environment, options, MulticlassTask.Instance)
    {
    }
}
