using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Hard-label cross-entropy, <c>CE(y, softmax(z_s))</c>, averaged over the batch rows that have a label. Registry name <c>ce</c>.
/// Rows labelled −1 (unlabelled rows of a transfer set) are left out, like PyTorch's <c>ignore_index</c>; a batch with
/// no labelled row contributes 0 (PyTorch's mean would be NaN). One fused libtorch kernel: the summed loss over the rows,
/// divided by the labelled count the trainer knows on the host.
/// </summary>
internal sealed class CrossEntropyLoss : IDistillationLoss
{
    public string Name => LossNames.CrossEntropy;

    public bool NeedsLabels => true;

    public bool NeedsTeacher => false;

    public Tensor Compute(DistillationBatch batch)
    {
        var labels = batch.RequireLabels(Name);
        using var sum = nn.functional.cross_entropy(batch.StudentLogits, labels, ignore_index: -1, reduction: nn.Reduction.Sum);
        return sum.DividedBy(Math.Max(batch.LabelledRows, 1));
    }
}
