using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>A trainable student: maps [B, F] features to [B, K] logits, and hands its weights to the exporter.</summary>
internal abstract class StudentNetwork : nn.Module<Tensor, Tensor>
{
    protected StudentNetwork(string name) : base(name) { }

    /// <summary>The inference-time layers with their current weights, copied off the device.</summary>
    public abstract IReadOnlyList<StudentLayer> ExportLayers();

    /// <summary>
    /// Whether the trainer must compare the exported layers with this network's forward on a probe batch after training
    /// (<see cref="ExportProbe"/>): true where the layers are read from a module the library did not write.
    /// </summary>
    public virtual bool ChecksExport => false;

    /// <summary>Runs a stack of Linear layers: ReLU (and dropout while training) after each but the last.</summary>
    protected Tensor ForwardDense(ModuleList<Linear> layers, Tensor x, float dropout)
    {
        for (int i = 0; i < layers.Count - 1; i++)
        {
            x = nn.functional.relu(layers[i].forward(x));
            if (dropout > 0)
                x = nn.functional.dropout(x, dropout, training);
        }
        return layers[layers.Count - 1].forward(x);
    }

    /// <summary>Appends the inference form of a stack of Linear layers (Dense, ReLU between them) to <paramref name="target"/>.</summary>
    protected static void ExportDense(ModuleList<Linear> layers, List<StudentLayer> target)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            var linear = layers[i];
            target.Add(new DenseLayer((int)linear.in_features, (int)linear.out_features,
                linear.weight!.detach().cpu().data<float>().ToArray(), linear.bias!.detach().cpu().data<float>().ToArray()));
            if (i < layers.Count - 1)
                target.Add(new ReluLayer());
        }
    }
}
