using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Hard-label binary cross-entropy, <c>BCE(y, σ(z_s)) = softplus(z_s) − y·z_s</c>, averaged over the batch rows that have a
/// label (PyTorch's <c>binary_cross_entropy_with_logits</c> over the labelled rows). Registry name <c>bce</c>. Unlabelled rows
/// (NaN) are left out; a batch with no labelled row contributes 0.
/// </summary>
internal sealed class BinaryCrossEntropyLoss : IDistillationLoss
{
    public string Name => LossNames.BinaryCrossEntropy;

    public bool NeedsLabels => true;

    public bool NeedsTeacher => false;

    public Tensor Compute(DistillationBatch batch)
    {
        using var scope = NewDisposeScope();
        var labels = batch.RequireLabels(Name);
        var logits = batch.StudentLogits.reshape(-1);
        var labelled = labels.isnan().logical_not().to_type(logits.dtype);
        // NaN targets are replaced before the loss (a NaN would reach the gradient even when multiplied by 0).
        var targets = labels.nan_to_num(0).to_type(logits.dtype);
        var perRow = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        return ((perRow * labelled).sum() / labelled.sum().clamp_min(1)).MoveToOuterDisposeScope();
    }
}
