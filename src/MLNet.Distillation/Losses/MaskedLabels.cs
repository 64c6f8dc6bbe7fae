using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Float labels where NaN marks a row without label (binary and regression). The terms that learn from labels average
/// over the labelled rows only: the labels with NaN replaced by 0 (a NaN would reach the gradient even when multiplied by
/// 0) and a 0/1 mask of the labelled rows are computed once per Fit, and the batch's count of labelled rows is known on
/// the host, so a term costs no more than its loss kernel. Masking rather than filtering keeps the batch shape static.
/// </summary>
internal static class MaskedLabels
{
    public static (Tensor Targets, Tensor Mask) Of(DistillationBatch batch, string loss, ScalarType dtype)
    {
        batch.RequireLabels(loss);
        var targets = batch.PerRow("labels/nan-as-0", (labels, _) => labels!.nan_to_num(0));
        var mask = batch.PerRow("labels/labelled-mask", (labels, _) => labels!.isnan().logical_not().to_type(ScalarType.Float32));
        return (targets.to_type(dtype), mask.to_type(dtype));
    }

    /// <summary>The sum of <paramref name="perRow"/> over the labelled rows divided by their count; 0 when no row is labelled.</summary>
    public static Tensor Mean(Tensor perRow, Tensor mask, DistillationBatch batch)
        => (perRow * mask).sum().DividedBy(Math.Max(batch.LabelledRows, 1));
}
