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
        var (targets, labelled) = LabelledRows.Split(labels, logits.dtype);
        var perRow = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        return LabelledRows.Mean(perRow, labelled).MoveToOuterDisposeScope();
    }
}
