using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Ba &amp; Caruana's logit matching, <c>½‖z_s − z_t‖²</c> summed over classes and averaged over the batch.
/// Registry name <c>logit-mse</c>. Hinton KD tends to it at high temperature with zero-mean logits.
/// </summary>
internal sealed class LogitMatchingLoss : IDistillationLoss
{
    /// <inheritdoc />
    public string Name => LossNames.LogitMatching;

    /// <inheritdoc />
    public bool NeedsLabels => false;

    /// <inheritdoc />
    public bool NeedsTeacher => true;

    /// <inheritdoc />
    public Tensor Compute(DistillationBatch batch)
    {
        using var scope = NewDisposeScope();
        var difference = batch.StudentLogits - batch.RequireTeacher(Name).detach();
        return difference.Squared().sum(1).mean().Times(0.5).MoveToOuterDisposeScope();
    }
}
