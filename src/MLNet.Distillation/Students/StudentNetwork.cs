using static TorchSharp.torch;

namespace MLNet.Distillation.Students;

/// <summary>A trainable student: maps [B, F] features to [B, K] logits, and hands its weights to the exporter.</summary>
internal abstract class StudentNetwork : nn.Module<Tensor, Tensor>
{
    protected StudentNetwork(string name) : base(name) { }

    /// <summary>The inference-time layers with their current weights, copied off the device.</summary>
    public abstract IReadOnlyList<StudentLayer> ExportLayers();
}
