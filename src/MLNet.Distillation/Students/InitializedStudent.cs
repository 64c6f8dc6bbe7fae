using System.Security.Cryptography;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// A student that starts from given inference-time layers instead of a random initialisation: how a pruned student is
/// fine-tuned by the ordinary trainer. The layers are in deployed form (input standardisation folded into the first dense
/// layer, regression target scaling folded into the last, see <see cref="LayerFolding"/>);
/// <see cref="Build(int, int, ColumnStandardization?, ColumnStandardization?)"/>
/// unfolds them with the statistics of the Fit that trains them, which folds them back on export, so a network that is not
/// trained comes out as it went in (within float rounding). A <see cref="StandardizeLayer"/> at the front (a standardising
/// CNN) stays a fixed part of the network and the Fit does not standardise again.
/// </summary>
internal sealed class InitializedStudent : StudentArchitecture
{
    private readonly IReadOnlyList<StudentLayer> _layers;

    /// <param name="layers">The deployed layers to start from.</param>
    /// <param name="dropout">Dropout after each hidden dense layer's ReLU while training.</param>
    /// <param name="standardizeInputs">Whether the Fit standardises the inputs (only when the first layer is dense).</param>
    public InitializedStudent(IReadOnlyList<StudentLayer> layers, float dropout, bool standardizeInputs)
    {
        _layers = layers;
        Dropout = dropout;
        StandardizeInputs = standardizeInputs && layers[0] is DenseLayer;
        WeightsDigest = Digest(layers);
    }

    /// <summary>Dropout probability after each hidden dense ReLU during training.</summary>
    public float Dropout { get; }

    /// <summary>SHA-256 of the starting layers: part of a checkpoint's fingerprint (this object is serialised into it).</summary>
    public string WeightsDigest { get; }

    /// <summary>The starting layers.</summary>
    internal IReadOnlyList<StudentLayer> Layers => _layers;

    /// <inheritdoc />
    public override string Describe(int inputSize, int classCount) => "pruned " + Describe(_layers, inputSize);

    /// <summary><c>MLP 14-32-2</c> or <c>CNN 1x28x28 conv16-conv32-dense128-10</c> for a list of deployed layers.</summary>
    public static string Describe(IReadOnlyList<StudentLayer> layers, int inputSize)
    {
        var dense = layers.OfType<DenseLayer>().ToList();
        if (layers.FirstOrDefault(l => l is ReshapeLayer) is ReshapeLayer shape)
            return $"CNN {string.Join("x", shape.Shape)} " + string.Join("-", layers.OfType<Conv2dLayer>().Select(c => $"conv{c.OutChannels}")
                .Concat(dense.SkipLast(1).Select(d => $"dense{d.Outputs}")).Append(dense[^1].Outputs.ToString()));
        return $"MLP {string.Join("-", dense.Select(d => d.Outputs).Prepend(inputSize))}";
    }

    internal override StudentArchitecture Copy() => this; // immutable: the layers are never written to

    internal override StudentNetwork Build(int inputSize, int classCount) => Build(inputSize, classCount, null, null);

    internal override StudentNetwork Build(int inputSize, int classCount, ColumnStandardization? inputs, ColumnStandardization? target)
    {
        int expectedInputs = _layers[0] switch
        {
            DenseLayer d => d.Inputs,
            StandardizeLayer s => s.Mean.Length,
            ReshapeLayer r => r.Shape.Aggregate(1, (a, b) => a * b),
            _ => -1,
        };
        int outputs = _layers.OfType<DenseLayer>().Last().Outputs;
        if (expectedInputs != inputSize || outputs != classCount)
            throw new ArgumentException($"The student to fine-tune reads {expectedInputs} features and writes {outputs} outputs, " +
                $"but the training data has {inputSize} features and {classCount} outputs per row.");
        var layers = _layers.ToList();
        if (inputs is not null)
            layers[0] = LayerFolding.UnfoldInputs((DenseLayer)layers[0], inputs.Mean, inputs.Std);
        if (target is not null)
        {
            int last = layers.FindLastIndex(l => l is DenseLayer);
            layers[last] = UnfoldTarget((DenseLayer)layers[last], target);
        }
        return new Network(layers, Dropout);
    }

    /// <summary>The inverse of the target fold: <c>W_s = W/σ_y</c>, <c>b_s = (b − μ_y)/σ_y</c>.</summary>
    internal static DenseLayer UnfoldTarget(DenseLayer dense, ColumnStandardization target)
    {
        if (dense.Outputs != 1 || target.Columns != 1)
            throw new InvalidOperationException("Only a network that ends with a one-output dense layer can carry a target scaling.");
        double scale = target.Std[0], shift = target.Mean[0];
        return dense with
        {
            Weight = dense.Weight.Select(w => (float)(w / scale)).ToArray(),
            Bias = dense.Bias.Select(b => (float)((b - shift) / scale)).ToArray(),
        };
    }

    /// <summary>
    /// Throws, naming the first layer at fault, when <paramref name="layers"/> hold a layer this student cannot rebuild and
    /// train: what pruning checks before it reads any row.
    /// </summary>
    internal static void CheckTrainable(IReadOnlyList<StudentLayer> layers)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            switch (layers[i])
            {
                case DenseLayer or ReluLayer or ReshapeLayer or FlattenLayer:
                case StandardizeLayer when i == 0:
                    break;
                case Conv2dLayer c:
                    _ = c.KernelSize;
                    break;
                case MaxPool2dLayer p:
                    _ = p.Size;
                    break;
                default:
                    throw new NotSupportedException(NotTrainable(layers[i], i));
            }
        }
    }

    private static string NotTrainable(StudentLayer layer, int position)
        => $"The student's layer {position} ({Name(layer)}{(layer.TapNames.Count > 0 ? $", '{layer.TapNames[0]}'" : "")}) cannot be pruned and fine-tuned: pruning rebuilds " +
           "networks of Linear, square stride-1 Conv2d, ReLU, square MaxPool2d and Flatten layers (BatchNorm folded into the layer before it), " +
           "as MlpStudent and CnnStudent build them.";

    private static string Name(StudentLayer layer) => layer switch
    {
        LeakyReluLayer => "LeakyReLU",
        TanhLayer => "Tanh",
        SigmoidLayer => "Sigmoid",
        GeluLayer => "GELU",
        AvgPool2dLayer => "AvgPool2d",
        AffineLayer => "per-channel scale and shift: a BatchNorm with no Linear or Conv2d before it, or a regression target scaling after a last layer that is not Linear",
        StandardizeLayer => "input standardisation",
        _ => layer.GetType().Name.Replace("Layer", ""),
    };

    private static string Digest(IReadOnlyList<StudentLayer> layers)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var layer in layers)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(layer.GetType().Name));
            var (shape, arrays) = layer switch
            {
                DenseLayer d => (new[] { d.Inputs, d.Outputs }, new[] { d.Weight, d.Bias }),
                Conv2dLayer c => ([c.InChannels, c.OutChannels, c.KernelSize, c.Padding], [c.Weight, c.Bias]),
                ReshapeLayer r => (r.Shape, []),
                MaxPool2dLayer p => ([p.Size], []),
                StandardizeLayer s => ([], [s.Mean, s.InverseStd]),
                _ => (Array.Empty<int>(), Array.Empty<float[]>()),
            };
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(shape.AsSpan()));
            foreach (var array in arrays)
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Runs the layers in order; Dense and Conv2d layers are trainable, a StandardizeLayer is a fixed buffer.</summary>
    internal sealed class Network : StudentNetwork
    {
        private readonly ModuleList<nn.Module<Tensor, Tensor>> trainable;
        private readonly IReadOnlyList<StudentLayer> _plan;
        private readonly int[] _moduleOf;
        private readonly float _dropout;
        private readonly bool _standardizes;

        public Network(IReadOnlyList<StudentLayer> layers, float dropout) : base("initialized")
        {
            CheckTrainable(layers);
            _plan = layers;
            _dropout = dropout;
            _moduleOf = new int[layers.Count];
            var modules = new List<nn.Module<Tensor, Tensor>>();
            Tensor? mean = null, inverseStd = null;
            for (int i = 0; i < layers.Count; i++)
            {
                _moduleOf[i] = -1;
                switch (layers[i])
                {
                    case DenseLayer d:
                        var linear = nn.Linear(d.Inputs, d.Outputs);
                        Set(linear.weight!, d.Weight, [d.Outputs, d.Inputs]);
                        Set(linear.bias!, d.Bias, [d.Outputs]);
                        _moduleOf[i] = modules.Count;
                        modules.Add(linear);
                        break;
                    case Conv2dLayer c:
                        var conv = nn.Conv2d(c.InChannels, c.OutChannels, c.KernelSize, padding: c.Padding);
                        Set(conv.weight!, c.Weight, [c.OutChannels, c.InChannels, c.KernelSize, c.KernelSize]);
                        Set(conv.bias!, c.Bias, [c.OutChannels]);
                        _moduleOf[i] = modules.Count;
                        modules.Add(conv);
                        break;
                    case StandardizeLayer s when i == 0:
                        mean = tensor(s.Mean);
                        inverseStd = tensor(s.InverseStd);
                        break;
                    default:
                        break; // ReLU, reshape, flatten, max pooling: no weights (CheckTrainable refused anything else)
                }
            }
            trainable = new ModuleList<nn.Module<Tensor, Tensor>>(modules.ToArray());
            RegisterComponents();
            if (mean is not null)
            {
                _standardizes = true;
                register_buffer("mean", mean);
                register_buffer("inverse_std", inverseStd!);
            }
        }

        private static void Set(Tensor parameter, float[] values, long[] shape)
        {
            using var _ = no_grad();
            using var source = tensor(values, shape);
            parameter.copy_(source);
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return Run(input, null).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// The names the starting layers' outputs went by in the network they came from (<c>hidden1</c>, <c>conv2</c>, a custom
        /// student's module paths; see <see cref="StudentLayer.OutputNames"/>): a pruned student offers the origin's hidden
        /// layers to the same loss recipe. Layers that pruning left out of the exported form (dropout) have no name here.
        /// </summary>
        public override IReadOnlyList<string> LayerNames => _plan.SelectMany(l => l.OutputNames).Distinct(StringComparer.Ordinal).ToArray();

        public override Tensor Forward(Tensor input, Dictionary<string, Tensor?>? taps)
        {
            if (taps is not { Count: > 0 })
                return forward(input);
            using var scope = NewDisposeScope();
            var output = Run(input, null, taps).MoveToOuterDisposeScope();
            KeepTaps(taps, output);
            return output;
        }

        /// <summary>
        /// The forward pass; when <paramref name="record"/> is given, it receives the input each listed layer (by position
        /// in the layer list) sees, as computed (callers dispose it with the pass's scope). A layer's output is captured
        /// under each of its names that <paramref name="taps"/> asks for, before the dropout that follows it (as the built-in
        /// students capture their hidden layers).
        /// </summary>
        public Tensor Run(Tensor input, IReadOnlyDictionary<int, Action<Tensor>>? record, Dictionary<string, Tensor?>? taps = null)
        {
            var x = input;
            // The current buffers (they follow the module to its device).
            var buffers = !_standardizes ? null : named_buffers().ToDictionary(b => b.name, b => b.buffer);
            for (int i = 0; i < _plan.Count; i++)
            {
                if (record is not null && record.TryGetValue(i, out var sink))
                    sink(x);
                var layer = _plan[i];
                x = layer switch
                {
                    DenseLayer or Conv2dLayer => trainable[_moduleOf[i]].forward(x),
                    StandardizeLayer => (x - buffers!["mean"]) * buffers["inverse_std"],
                    ReluLayer => nn.functional.relu(x),
                    ReshapeLayer r => x.reshape([-1, .. r.Shape.Select(d => (long)d)]),
                    MaxPool2dLayer p => nn.functional.max_pool2d(x, p.Size),
                    FlattenLayer => x.flatten(1),
                    _ => throw new NotSupportedException(layer.GetType().Name),
                };
                if (taps is not null)
                    foreach (var name in layer.OutputNames)
                        Tap(taps, name, x);
                // Dropout after the activation of a hidden dense layer, as MlpStudent and CnnStudent's heads train.
                if (_dropout > 0 && layer is ReluLayer && i > 0 && _plan[i - 1] is DenseLayer)
                    x = Dropout(x, _dropout);
            }
            return x;
        }

        public override IReadOnlyList<StudentLayer> ExportLayers()
        {
            var result = new List<StudentLayer>();
            for (int i = 0; i < _plan.Count; i++)
            {
                result.Add(_plan[i] switch
                {
                    DenseLayer d => d with { Weight = Values(trainable[_moduleOf[i]], "weight"), Bias = Values(trainable[_moduleOf[i]], "bias") },
                    Conv2dLayer c => c with { Weight = Values(trainable[_moduleOf[i]], "weight"), Bias = Values(trainable[_moduleOf[i]], "bias") },
                    var other => other,
                });
            }
            return result;
        }

        private static float[] Values(nn.Module<Tensor, Tensor> module, string name)
            => module.named_parameters().First(p => p.name == name).parameter.detach().cpu().data<float>().ToArray();
    }
}
