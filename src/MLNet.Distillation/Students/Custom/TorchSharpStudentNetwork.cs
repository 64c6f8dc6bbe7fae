using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// A user's TorchSharp module as a student network: the flat [B, F] features are reshaped to [B, C, H, W] when an input
/// shape is given, then go through the module. Its layers are read by <see cref="ModuleWalker"/>, and since that reading
/// trusts the module's types to say what its forward does, the trainer compares the export with the module on a probe batch.
/// </summary>
internal sealed class TorchSharpStudentNetwork : StudentNetwork
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly int[]? _inputShape;
    private readonly int _inputSize;

    public TorchSharpStudentNetwork(nn.Module<Tensor, Tensor> module, int inputSize, int[]? inputShape) : base("custom")
    {
        body = module;
        _inputSize = inputSize;
        _inputShape = inputShape;
        RegisterComponents();
    }

    /// <summary>The user's module.</summary>
    public nn.Module<Tensor, Tensor> Module => body;

    public override bool ChecksExport => true;

    public override Tensor forward(Tensor input)
        => _inputShape is null ? body.forward(input) : body.forward(input.reshape(-1, _inputShape[0], _inputShape[1], _inputShape[2]));

    public override IReadOnlyList<StudentLayer> ExportLayers() => ExportLayers(out _, out _);

    /// <summary>The layers (a reshape first when there is an input shape), the per-row output shape and a description of each module layer.</summary>
    public IReadOnlyList<StudentLayer> ExportLayers(out int[] outputShape, out IReadOnlyList<string> description)
    {
        var layers = ModuleWalker.Walk(body, _inputShape ?? [_inputSize], out outputShape, out description);
        if (_inputShape is not null)
            layers.Insert(0, new ReshapeLayer(_inputShape));
        return layers;
    }
}
