using TorchSharp;
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
        _drawsRandom = module.modules().Any(m => m.GetType().Name.Contains("Dropout", StringComparison.Ordinal));
        RegisterComponents();
    }

    // Whether the module has layers that draw from TorchSharp's global generator while training (Dropout, Dropout2d, ...).
    private readonly bool _drawsRandom;

    /// <summary>
    /// Runs <paramref name="pass"/>; while training a module with dropout layers, with the Fit's generator state in
    /// TorchSharp's global generator (which those layers draw from, taking no other), holding the library's lock on it, and
    /// the global state put back after: the Fit's draws stay its own whatever other Fits do on other threads.
    /// </summary>
    private Tensor WithFitGenerator(Func<Tensor> pass)
    {
        if (!training || !_drawsRandom || Generator is not { } generator || generator.device.type != DeviceType.CPU)
            return pass();
        lock (TrainingRandom.GlobalGenerator)
        {
            using var saved = torch.random.get_rng_state();
            using (var state = generator.get_state())
                torch.random.set_rng_state(state);
            try { return pass(); }
            finally
            {
                using (var after = torch.random.get_rng_state())
                    generator.set_state(after);
                torch.random.set_rng_state(saved);
            }
        }
    }

    /// <summary>The user's module.</summary>
    public nn.Module<Tensor, Tensor> Module => body;

    public override bool ChecksExport => true;

    public override Tensor forward(Tensor input)
        => WithFitGenerator(() => _inputShape is null ? body.forward(input)
            : body.forward(input.reshape(-1, _inputShape[0], _inputShape[1], _inputShape[2])));

    /// <summary>
    /// Every module below the root by its path of child names (<c>features</c>, <c>features.0</c>, as error messages name
    /// layers), in the order their outputs are computed: a <c>Sequential</c>'s children before the Sequential itself.
    /// </summary>
    public override IReadOnlyList<string> LayerNames => _layerNames ??= Paths(body, "").ToArray();

    private string[]? _layerNames;

    private static IEnumerable<string> Paths(nn.Module module, string path)
    {
        if (module.GetType() == typeof(TorchSharp.Modules.Sequential))
            foreach (var (name, child) in module.named_children())
                foreach (var inner in Paths(child, ModuleWalker.ChildPath(path, name)))
                    yield return inner;
        if (path.Length > 0)
            yield return path;
    }

    /// <summary>
    /// The forward pass, capturing the outputs of the modules named in <paramref name="taps"/>. A Sequential (matched by exact
    /// type, as the export requires) runs its children in order, which is all its own forward does, so the result is the
    /// module's forward exactly; each child's output is stored under its path when asked for.
    /// </summary>
    public override Tensor Forward(Tensor input, Dictionary<string, Tensor?>? taps)
    {
        if (taps is not { Count: > 0 })
            return forward(input);
        return WithFitGenerator(() =>
        {
            using var scope = NewDisposeScope();
            var x = _inputShape is null ? input : input.reshape(-1, _inputShape[0], _inputShape[1], _inputShape[2]);
            var output = Run(body, "", x, taps).MoveToOuterDisposeScope();
            KeepTaps(taps, output);
            return output;
        });
    }

    private static Tensor Run(nn.Module module, string path, Tensor x, Dictionary<string, Tensor?> taps)
    {
        if (module.GetType() == typeof(TorchSharp.Modules.Sequential))
        {
            foreach (var (name, child) in module.named_children())
                x = Run(child, ModuleWalker.ChildPath(path, name), x, taps);
        }
        else
        {
            x = ((nn.Module<Tensor, Tensor>)module).forward(x);
        }
        Tap(taps, path, x);
        return x;
    }

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
