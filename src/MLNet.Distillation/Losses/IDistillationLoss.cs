using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// One loss term: a small unit with one responsibility. The trainer sums weighted terms without knowing what they
/// compute, so new terms need no change to the training loop: implement this interface, register a factory with
/// <see cref="LossRegistry.Register"/>, and name it in a recipe (<see cref="LossTerm"/>).
/// </summary>
public interface IDistillationLoss
{
    /// <summary>The registry name (e.g. <c>ce</c>, <c>kd</c>), used in progress reports.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the term reads <see cref="DistillationBatch.Labels"/>. Rows without a label are kept in training only when
    /// some term of the recipe does not need labels (they learn from that term alone).
    /// </summary>
    bool NeedsLabels { get; }

    /// <summary>
    /// Whether the term reads <see cref="DistillationBatch.TeacherLogits"/>. The teacher column is required (and read)
    /// only when some term does.
    /// </summary>
    bool NeedsTeacher { get; }

    /// <summary>The term's value for the batch: a scalar tensor, averaged over the batch.</summary>
    /// <param name="batch">The batch.</param>
    Tensor Compute(DistillationBatch batch);
}
