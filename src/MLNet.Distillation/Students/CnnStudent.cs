using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// A convolutional network that reads a flat feature vector as [C, H, W] images: per entry of <see cref="ConvChannels"/>
/// a same-padded k×k convolution, ReLU and 2×2 max pooling; then the dense head (Linear → ReLU → Dropout per entry of
/// <see cref="DenseLayers"/>) and a Linear layer to the classes. Usable as a student, and, trained from labels alone,
/// as a teacher (<c>Teacher.FromStudent</c>). Layers named for feature and relation loss terms
/// (<see cref="LossTerm.StudentLayer"/>): <c>conv1</c>, <c>conv2</c>, ... (each block's output after pooling, [C, H, W]
/// flattened) and <c>dense1</c>, ... (each dense hidden layer after its ReLU).
/// </summary>
public sealed class CnnStudent : StudentArchitecture
{
    /// <summary>
    /// How a row's features are laid out: channels, height, width, in that order (e.g. <c>[1, 28, 28]</c> for 784-value grey
    /// images). Required: the network cannot guess it from the number of features, and a wrong guess would train on scrambled images.
    /// </summary>
    public required int[] InputShape { get; set; }

    /// <summary>Output channels of each convolution block. Default [32, 64].</summary>
    public int[] ConvChannels { get; set; } = [32, 64];

    /// <summary>Side of the square convolution kernels (odd). Default 3.</summary>
    public int KernelSize { get; set; } = 3;

    /// <summary>Widths of the dense layers between the convolutions and the output. Default [256].</summary>
    public int[] DenseLayers { get; set; } = [256];

    /// <summary>Dropout probability after each dense hidden layer during training. Default 0.25.</summary>
    public float Dropout { get; set; } = 0.25f;

    /// <inheritdoc />
    public override string Describe(int inputSize, int classCount)
        => $"CNN {string.Join("x", InputShape ?? [])} conv{string.Join("-conv", ConvChannels)}{string.Concat(DenseLayers.Select(d => $"-dense{d}"))}-{classCount}";

    internal override StudentArchitecture Copy() => new CnnStudent
    {
        InputShape = InputShape?.ToArray()!, ConvChannels = ConvChannels?.ToArray()!, KernelSize = KernelSize,
        DenseLayers = DenseLayers?.ToArray()!, Dropout = Dropout, StandardizeInputs = StandardizeInputs,
    };

    internal override StudentNetwork Build(int inputSize, int classCount)
    {
        if (InputShape is not { Length: 3 } || InputShape.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(InputShape), $"{nameof(CnnStudent)}.{nameof(InputShape)} must be [channels, height, width] with positive sizes, " +
                $"not [{string.Join(", ", InputShape ?? [])}]; the feature column has {inputSize} values per row.");
        if (InputShape[0] * InputShape[1] * InputShape[2] != inputSize)
            throw new ArgumentOutOfRangeException(nameof(InputShape),
                $"{nameof(CnnStudent)}.{nameof(InputShape)} [{string.Join(", ", InputShape)}] " +
                $"holds {InputShape[0] * InputShape[1] * InputShape[2]} values, but the feature column has {inputSize} per row.");
        if (KernelSize <= 0 || KernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(KernelSize), $"{nameof(CnnStudent)}.{nameof(KernelSize)} must be odd and positive, not {KernelSize}.");
        if (ConvChannels is null || ConvChannels.Length == 0 || ConvChannels.Any(c => c <= 0) || DenseLayers is null || DenseLayers.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(ConvChannels), $"{nameof(CnnStudent)} needs at least one convolution and positive widths.");
        if (Dropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(Dropout), $"{nameof(CnnStudent)}.{nameof(Dropout)} must be in [0, 1), not {Dropout}.");
        int height = InputShape[1], width = InputShape[2];
        foreach (var _ in ConvChannels)
        {
            height /= 2;
            width /= 2;
            if (height == 0 || width == 0)
                throw new ArgumentOutOfRangeException(nameof(ConvChannels), $"{ConvChannels.Length} pooling steps shrink [{InputShape[1]}, {InputShape[2]}] to nothing.");
        }
        return new Network(InputShape, ConvChannels, KernelSize, DenseLayers, classCount, Dropout, ConvChannels[^1] * height * width);
    }

    private sealed class Network : StudentNetwork
    {
        private readonly ModuleList<Conv2d> convs;
        private readonly ModuleList<Linear> dense;
        private readonly int[] _inputShape;
        private readonly int _kernel;
        private readonly float _dropout;

        public Network(int[] inputShape, int[] channels, int kernel, int[] denseWidths, int classCount, float dropout, int flattened) : base("cnn")
        {
            _inputShape = inputShape;
            _kernel = kernel;
            _dropout = dropout;
            var inChannels = channels.Prepend(inputShape[0]).ToArray();
            convs = new ModuleList<Conv2d>(channels.Select((c, i) => nn.Conv2d(inChannels[i], c, kernel, padding: kernel / 2)).ToArray());
            var widths = denseWidths.Prepend(flattened).Append(classCount).ToArray();
            dense = new ModuleList<Linear>(Enumerable.Range(0, widths.Length - 1).Select(i => nn.Linear(widths[i], widths[i + 1])).ToArray());
            RegisterComponents();
        }

        public override IReadOnlyList<string> LayerNames
            => [.. Enumerable.Range(1, convs.Count).Select(i => $"conv{i}"), .. Enumerable.Range(1, dense.Count - 1).Select(i => $"dense{i}")];

        public override Tensor forward(Tensor input) => Forward(input, null);

        public override Tensor Forward(Tensor input, Dictionary<string, Tensor?>? taps)
        {
            using var scope = NewDisposeScope();
            var x = input.reshape(-1, _inputShape[0], _inputShape[1], _inputShape[2]);
            for (int i = 0; i < convs.Count; i++)
            {
                x = nn.functional.max_pool2d(nn.functional.relu(convs[i].forward(x)), 2);
                Tap(taps, $"conv{i + 1}", x);
            }
            var output = ForwardDense(dense, x.flatten(1), _dropout, taps, "dense").MoveToOuterDisposeScope();
            KeepTaps(taps);
            return output;
        }

        public override IReadOnlyList<StudentLayer> ExportLayers()
        {
            var layers = new List<StudentLayer> { new ReshapeLayer(_inputShape) };
            foreach (var (conv, index) in convs.Select((c, i) => (c, i)))
            {
                layers.Add(new Conv2dLayer((int)conv.in_channels, (int)conv.out_channels, _kernel, _kernel / 2,
                    conv.weight!.detach().cpu().data<float>().ToArray(), conv.bias!.detach().cpu().data<float>().ToArray()));
                layers.Add(new ReluLayer());
                layers.Add(new MaxPool2dLayer(2, $"conv{index + 1}"));
            }
            layers.Add(new FlattenLayer());
            ExportDense(dense, layers, "dense");
            return layers;
        }
    }
}
