using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Hard-label binary cross-entropy, <c>BCE(y, σ(z_s)) = softplus(z_s) − y·z_s</c>, averaged over the batch rows that have a
/// label (PyTorch's <c>binary_cross_entropy_with_logits</c> over the labelled rows). Registry name <c>bce</c>. Unlabelled
/// rows (NaN) weigh 0; a batch with no labelled row contributes 0.
/// </summary>
internal sealed class BinaryCrossEntropyLoss : IDistillationLoss
{
    public string Name => LossNames.BinaryCrossEntropy;

    public bool NeedsLabels => true;

    public bool NeedsTeacher => false;

    public Tensor Compute(DistillationBatch batch)
    {
        using var scope = NewDisposeScope();
        var logits = batch.StudentLogits.reshape(-1);
        var (targets, labelled) = MaskedLabels.Of(batch, Name, logits.dtype);
        var sum = nn.functional.binary_cross_entropy_with_logits(logits, targets, labelled, reduction: nn.Reduction.Sum);
        return sum.DividedBy(Math.Max(batch.LabelledRows, 1)).MoveToOuterDisposeScope();
    }
}
