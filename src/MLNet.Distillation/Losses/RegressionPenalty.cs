using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// How a regression term penalises a difference d (in standardised units): squared, <c>d²</c>, or Huber's, <c>½d²</c> for
/// |d| ≤ δ and <c>δ(|d| − ½δ)</c> beyond (PyTorch's <c>mse_loss</c> and <c>huber_loss</c>, element-wise).
/// </summary>
internal readonly record struct RegressionPenalty(double? HuberDelta)
{
    public static RegressionPenalty Squared => new(null);

    public static RegressionPenalty Huber(double delta)
    {
        if (!(delta > 0) || !double.IsFinite(delta))
            throw new ArgumentOutOfRangeException(nameof(delta), $"The Huber delta must be positive and finite, not {delta}.");
        return new RegressionPenalty(delta);
    }

    /// <summary>The penalty of each element of <paramref name="prediction"/> − <paramref name="target"/>, unreduced.</summary>
    public Tensor PerElement(Tensor prediction, Tensor target) => HuberDelta is double delta
        ? nn.functional.huber_loss(prediction, target, reduction: nn.Reduction.None, delta: delta)
        : nn.functional.mse_loss(prediction, target, reduction: nn.Reduction.None);
}
