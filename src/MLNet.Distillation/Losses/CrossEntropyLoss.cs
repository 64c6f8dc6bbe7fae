using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Hard-label cross-entropy, <c>CE(y, softmax(z_s))</c>, averaged over the batch rows that have a label. Registry name <c>ce</c>.
/// Rows labelled −1 (unlabelled rows of a transfer set) are left out, like PyTorch's <c>ignore_index</c>; a batch with
/// no labelled row contributes 0 (PyTorch would return NaN).
/// </summary>
internal sealed class CrossEntropyLoss : IDistillationLoss
{
    /// <inheritdoc />
    public string Name => LossNames.CrossEntropy;

    /// <inheritdoc />
    public bool NeedsLabels => true;

    /// <inheritdoc />
    public bool NeedsTeacher => false;

    /// <inheritdoc />
    public Tensor Compute(DistillationBatch batch)
    {
        using var scope = NewDisposeScope();
        var labels = batch.RequireLabels(Name);
        var labelled = labels.ge(0);
        var logProbabilities = nn.functional.log_softmax(batch.StudentLogits, 1);
        var negativeLogLikelihood = -logProbabilities.gather(1, labels.clamp_min(0).unsqueeze(1)).squeeze(1);
        var count = labelled.sum().clamp_min(1).to_type(logProbabilities.dtype);
        // Masking rather than filtering keeps the batch shape static and needs no device-to-host sync.
        return ((negativeLogLikelihood * labelled.to_type(logProbabilities.dtype)).sum() / count).MoveToOuterDisposeScope();
    }
}
