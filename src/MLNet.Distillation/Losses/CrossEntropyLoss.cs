using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>Hard-label cross-entropy, <c>CE(y, softmax(z_s))</c>, averaged over the batch. Registry name <c>ce</c>.</summary>
public sealed class CrossEntropyLoss : IDistillationLoss
{
    /// <summary>The registry name.</summary>
    public const string RegistryName = "ce";

    /// <inheritdoc />
    public string Name => RegistryName;

    /// <inheritdoc />
    public bool NeedsLabels => true;

    /// <inheritdoc />
    public bool NeedsTeacher => false;

    /// <inheritdoc />
    public Tensor Compute(DistillationBatch batch)
        => nn.functional.cross_entropy(batch.StudentLogits, batch.RequireLabels(Name), reduction: nn.Reduction.Mean);
}
