using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Float labels where NaN marks a row without label (binary and regression): the terms that learn from labels average
/// over the labelled rows only. Masking rather than filtering keeps the batch shape static and needs no device sync.
/// </summary>
internal static class LabelledRows
{
    /// <summary>The labels with NaN replaced by 0 (a NaN would reach the gradient even when multiplied by 0), and a 0/1 mask of the labelled rows.</summary>
    public static (Tensor Targets, Tensor Mask) Split(Tensor labels, ScalarType dtype)
        => (labels.nan_to_num(0).to_type(dtype), labels.isnan().logical_not().to_type(dtype));

    /// <summary>The mean of <paramref name="perRow"/> over the rows of <paramref name="mask"/>; 0 when no row is labelled.</summary>
    public static Tensor Mean(Tensor perRow, Tensor mask) => (perRow * mask).sum() / mask.sum().clamp_min(1);
}
