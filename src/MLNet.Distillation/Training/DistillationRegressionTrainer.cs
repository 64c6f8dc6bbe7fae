using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Distils a teacher into a TorchSharp student that predicts a number. The label is Single (NaN for a row without label);
/// the fitted student writes <c>Score</c> in the label's units, so <c>mlContext.Regression.Evaluate</c> works unchanged.
/// Default loss: <c>alpha · MSE(y, ŷ_s) + (1 − alpha) · MSE(ŷ_t, ŷ_s)</c> (or Huber's loss in both terms), computed on the
/// label and the predictions standardised by the label's mean and standard deviation over the training rows; the exported
/// student undoes the scaling. Create it with <c>mlContext.Regression.Trainers.Distillation(...)</c>.
/// </summary>
public sealed class DistillationRegressionTrainer : DistillationTrainerBase<DistillationRegressionTrainer.Options>
{
    /// <summary>
    /// Options of <see cref="DistillationRegressionTrainer"/>; the shared settings are described on
    /// <see cref="DistillationTrainerOptions"/>.
    /// </summary>
    public sealed class Options : DistillationTrainerOptions
    {
        /// <summary>The task: <see cref="DistillationTask.Regression"/>.</summary>
        public override DistillationTask Task => DistillationTask.Regression;

        internal override IDistillationTrainer CreateTrainer(MLContext mlContext) => mlContext.Regression.Trainers.Distillation(this);

        internal override DistillationSearchResult Search(MLContext mlContext, IDataView data, DistillationSearchOptions? search)
            => mlContext.Distillation.SearchTemperatureAndAlpha(data, this, search);

        /// <summary>The penalty of both terms of the default recipe: squared error (default) or Huber's loss, which weighs outliers less.</summary>
        public RegressionLossFunction LossFunction { get; set; } = RegressionLossFunction.SquaredError;

        /// <summary>Huber's delta, in standard deviations of the label: differences beyond it are penalised linearly. Default 1.</summary>
        public double HuberDelta { get; set; } = Defaults.HuberDelta;

        internal override void Validate()
        {
            base.Validate();
            if (!Enum.IsDefined(LossFunction))
                throw new ArgumentOutOfRangeException(nameof(LossFunction), $"Options.LossFunction {LossFunction} is not a {nameof(RegressionLossFunction)}.");
            if (!(HuberDelta > 0) || !double.IsFinite(HuberDelta))
                throw new ArgumentOutOfRangeException(nameof(HuberDelta), $"Options.HuberDelta must be positive and finite, not {HuberDelta}.");
            if (Temperature != Defaults.Temperature)
                throw new ArgumentOutOfRangeException(nameof(Temperature), $"Options.Temperature is {Temperature}, but regression has no softening temperature; " +
                    "leave it at its default. The teacher's predictions are matched as they are.");
            if (Losses is not null && (LossFunction != RegressionLossFunction.SquaredError || HuberDelta != Defaults.HuberDelta))
                throw new ArgumentOutOfRangeException(nameof(LossFunction), "Options.LossFunction and Options.HuberDelta shape the default recipe only, " +
                    "but Options.Losses is set: name the terms there (huber, teacher-huber with a delta setting) and leave these at their defaults.");
        }
    }

    internal DistillationRegressionTrainer(IHostEnvironment environment, Options options)
        : base(environment, options, RegressionTask.Instance)
    {
    }
}
