using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// One loss term. Each term is a small unit with one responsibility; the trainer sums weighted terms
/// without knowing what they compute, so new terms (feature, relation, ...) need no change to the loop.
/// </summary>
public interface IDistillationLoss
{
    /// <summary>The registry name (e.g. <c>ce</c>, <c>kd</c>), used in progress reports.</summary>
    string Name { get; }

    /// <summary>Whether the term reads <see cref="DistillationBatch.Labels"/>.</summary>
    bool NeedsLabels { get; }

    /// <summary>Whether the term reads <see cref="DistillationBatch.TeacherLogits"/>.</summary>
    bool NeedsTeacher { get; }

    /// <summary>The term's value for the batch: a scalar tensor, averaged over the batch.</summary>
    /// <param name="batch">The batch.</param>
    Tensor Compute(DistillationBatch batch);
}
