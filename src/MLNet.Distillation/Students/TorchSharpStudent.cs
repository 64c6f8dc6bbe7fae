using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Any TorchSharp module as the student, built by a factory you write, trained like the built-in students and exported to
/// ONNX (so it saves, reloads without libtorch and scores through ML.NET). The module maps a batch of rows to one logit per
/// class (one value per row for binary classification and regression): [B, F] features, or [B, C, H, W] when
/// <see cref="InputShape"/> is set, to [B, K].
/// <para>
/// Export reads the module's layers by type, so only a known set is accepted (<see cref="SupportedLayers"/>): nn.Sequential
/// (nested to any depth) of Linear, Conv2d (stride, zero padding including 'same', non-square kernels, dilation, groups),
/// BatchNorm1d/BatchNorm2d (their eval-mode statistics folded into the Linear or Conv2d just before them, else a per-channel
/// scale and shift), Dropout, Dropout2d and Identity (dropped), ReLU, LeakyReLU, Tanh, Sigmoid, GELU (exact or tanh),
/// MaxPool2d, AvgPool2d and Flatten(1, -1). Types are matched exactly: a subclass, or any module of your own with
/// sub-modules (its forward order cannot be read), is refused.
/// </para>
/// <para>
/// What is checked: first thing in Fit, before any data is read, the module is built, walked and refused if a layer is
/// outside the set or cannot receive the previous layer's output (the message names the layer by its path, e.g.
/// <c>Student layer 'body.2' (LSTM)</c>), or if it does not end with the task's output count; then a random probe batch
/// goes through the module and through its ONNX export. After training, the trained module (eval mode) and its export are
/// compared again on real training rows, and Fit throws if they differ beyond float rounding. What cannot be checked:
/// behaviour that the probe rows do not reach, and anything the module does in training mode only (the export is the
/// eval-mode network, as in PyTorch's own export).
/// </para>
/// </summary>
public sealed class TorchSharpStudent : StudentArchitecture
{
    private WeakReference<nn.Module>? _lastBuilt;
    private (int InputSize, int ClassCount, string Text)? _described;

    /// <summary>
    /// A student built by <paramref name="factory"/>; its inputs are not standardised unless
    /// <see cref="StudentArchitecture.StandardizeInputs"/> is set.
    /// </summary>
    /// <param name="factory">
    /// Builds the module from the number of features per row and the number of outputs (classes, or 1). It must return a
    /// <b>new</b> module on every call, initialised from TorchSharp's global generator (the default for every TorchSharp
    /// layer), which the trainer seeds: the same seed then gives the same student, bit for bit, also when other Fits run on
    /// other threads (the trainer builds the module while holding the generator; the module's Dropout layers draw from it
    /// with the Fit's own state swapped in). It is called more than once per Fit (a throw-away copy is built for the checks
    /// before training).
    /// </param>
    /// <param name="name">A short name for logs and <see cref="StudentTransformer"/>'s architecture text. Default <c>TorchSharp</c>.</param>
    public TorchSharpStudent(Func<int, int, nn.Module<Tensor, Tensor>> factory, string name = "TorchSharp")
    {
        Factory = factory ?? throw new ArgumentNullException(nameof(factory));
        Name = name;
    }

    /// <summary>The layer types a module may be built from, as listed in error messages.</summary>
    public static string SupportedLayers => ModuleWalker.SupportedLayers;

    /// <summary>Builds the module: (features per row, outputs per row) → a new module.</summary>
    [JsonIgnore]
    public Func<int, int, nn.Module<Tensor, Tensor>> Factory { get; }

    /// <summary>A short name for logs and the architecture description.</summary>
    public string Name { get; set; }

    /// <summary>
    /// How a row's features are laid out when the module reads images: [channels, height, width]. The flat feature vector is
    /// reshaped to [B, C, H, W] before the module (as <see cref="CnnStudent"/> does). Null (the default) hands the module [B, F].
    /// </summary>
    public int[]? InputShape { get; set; }

    /// <summary>The module's layers as last checked (part of the checkpoint fingerprint: a checkpoint of another module is not resumed).</summary>
    [JsonInclude]
    internal string? Structure { get; private set; }

    /// <inheritdoc />
    public override string Describe(int inputSize, int classCount)
    {
        if (_described is { } d && d.InputSize == inputSize && d.ClassCount == classCount)
            return d.Text;
        // Building draws from TorchSharp's global generator: held like every use of it in the library, and left as found.
        lock (TrainingRandom.GlobalGenerator)
        {
            using var rng = new GeneratorStateKeeper();
            using var network = (TorchSharpStudentNetwork)Build(inputSize, classCount);
            network.ExportLayers(out _, out var layers);
            string text = $"{Name} {string.Join(" → ", layers)}";
            _described = (inputSize, classCount, text);
            return text;
        }
    }

    internal override StudentArchitecture Copy() => new TorchSharpStudent(Factory, Name)
    {
        InputShape = InputShape?.ToArray(), StandardizeInputs = StandardizeInputs,
    };

    internal override StudentNetwork Build(int inputSize, int classCount)
    {
        if (InputShape is not null)
        {
            if (InputShape.Length != 3 || InputShape.Any(v => v <= 0))
                throw new ArgumentOutOfRangeException(nameof(InputShape), $"{nameof(TorchSharpStudent)}.{nameof(InputShape)} must be [channels, height, width] " +
                    $"with positive sizes, not [{string.Join(", ", InputShape)}]; the feature column has {inputSize} values per row.");
            if (InputShape[0] * InputShape[1] * InputShape[2] != inputSize)
                throw new ArgumentOutOfRangeException(nameof(InputShape), $"{nameof(TorchSharpStudent)}.{nameof(InputShape)} [{string.Join(", ", InputShape)}] " +
                    $"holds {InputShape[0] * InputShape[1] * InputShape[2]} values, but the feature column has {inputSize} per row.");
        }
        var module = Factory(inputSize, classCount)
            ?? throw new InvalidOperationException($"The {nameof(TorchSharpStudent)} factory returned null for {inputSize} inputs and {classCount} outputs.");
        if (_lastBuilt is not null && _lastBuilt.TryGetTarget(out var last) && ReferenceEquals(last, module))
            throw new InvalidOperationException($"The {nameof(TorchSharpStudent)} factory returned the module it returned before. It must create a new module " +
                "on every call (the trainer builds, trains and disposes one per Fit, and the seed must decide its initial weights).");
        _lastBuilt = new WeakReference<nn.Module>(module);
        return new TorchSharpStudentNetwork(module, inputSize, InputShape?.ToArray());
    }

    internal override void CheckBeforeTraining(int inputSize, int classCount)
    {
        // The checks draw from TorchSharp's global generator (initialisation, the probe): held like every use of it in the
        // library (another Fit's seeding and building must not interleave with them), and left as found.
        lock (TrainingRandom.GlobalGenerator)
            Check(inputSize, classCount);
    }

    private void Check(int inputSize, int classCount)
    {
        using var rng = new GeneratorStateKeeper();
        using var network = (TorchSharpStudentNetwork)Build(inputSize, classCount);
        network.eval();
        var layers = network.ExportLayers(out var outputShape, out var description);
        if (outputShape.Length != 1 || outputShape[0] != classCount)
            throw new ArgumentException($"The {nameof(TorchSharpStudent)} module '{Name}' ends with [{string.Join(", ", outputShape)}] values per row, but the " +
                $"trainer needs {classCount} ({(classCount == 1 ? "one value per row" : $"one logit per class: the label has {classCount} classes")}). " +
                $"The factory receives the output count as its second argument; end the module with a Linear(…, {classCount}).");
        // A factory that hands out one cached module would train a disposed (or already trained) module: refused now, not after reading the data.
        using (var again = Build(inputSize, classCount)) { }
        random.manual_seed(0);
        using var probe = randn(8, inputSize);
        ExportProbe.Verify(network, layers, probe, classCount, "Before training");
        Structure = $"{string.Join(" → ", description)} | input {string.Join("x", InputShape ?? [inputSize])} | " +
            string.Join(", ", network.named_parameters().Select(p => $"{p.name}:{string.Join("x", p.parameter.shape)}"));
        _described = (inputSize, classCount, $"{Name} {string.Join(" → ", description)}");
    }

    /// <summary>Restores TorchSharp's global generator state on dispose.</summary>
    private sealed class GeneratorStateKeeper : IDisposable
    {
        private readonly Tensor _state = random.get_rng_state();

        public void Dispose()
        {
            random.set_rng_state(_state);
            _state.Dispose();
        }
    }
}
