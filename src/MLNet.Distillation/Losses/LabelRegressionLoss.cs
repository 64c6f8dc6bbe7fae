using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// The hard-label regression term: the mean over labelled rows of the squared (<c>mse</c>) or Huber (<c>huber</c>, setting
/// <c>delta</c>) difference between the student's prediction and the label, both standardised by the label's mean and
/// standard deviation on the training rows. Unlabelled rows (NaN) are left out.
/// </summary>
internal sealed class LabelRegressionLoss(string name, RegressionPenalty penalty) : IDistillationLoss
{
    public string Name => name;

    public bool NeedsLabels => true;

    public bool NeedsTeacher => false;

    public RegressionPenalty Penalty => penalty;

    public Tensor Compute(DistillationBatch batch)
    {
        using var scope = NewDisposeScope();
        var prediction = batch.StudentLogits.reshape(-1);
        var (targets, labelled) = MaskedLabels.Of(batch, Name, prediction.dtype);
        return MaskedLabels.Mean(penalty.PerElement(prediction, targets), labelled, batch).MoveToOuterDisposeScope();
    }
}
