using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// A multi-layer perceptron student: Linear → ReLU (→ Dropout) per hidden layer, then a Linear head. Its hidden layers'
/// outputs (after the ReLU) are named <c>hidden1</c>, <c>hidden2</c>, ... for feature and relation loss terms
/// (<see cref="LossTerm.StudentLayer"/>).
/// </summary>
public sealed class MlpStudent : StudentArchitecture
{
    /// <summary>An MLP with one hidden layer of 64 units that standardises its inputs.</summary>
    public MlpStudent() => StandardizeInputs = true;

    /// <summary>Widths of the hidden layers, input side first. Default one layer of 64 units; empty gives a linear model.</summary>
    public int[] HiddenLayers { get; set; } = [Defaults.HiddenLayerWidth];

    /// <summary>Dropout probability after each hidden activation during training (0 disables it).</summary>
    public float Dropout { get; set; }

    /// <inheritdoc />
    public override string Describe(int inputSize, int classCount)
        => $"MLP {string.Join("-", HiddenLayers.Prepend(inputSize).Append(classCount))}";

    internal override StudentArchitecture Copy() => new MlpStudent { HiddenLayers = HiddenLayers?.ToArray()!, Dropout = Dropout, StandardizeInputs = StandardizeInputs };

    internal override StudentNetwork Build(int inputSize, int classCount)
    {
        if (HiddenLayers is null || HiddenLayers.Any(w => w <= 0))
            throw new ArgumentOutOfRangeException(nameof(HiddenLayers), $"{nameof(MlpStudent)}.{nameof(HiddenLayers)} must hold positive widths.");
        if (Dropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(Dropout), $"{nameof(MlpStudent)}.{nameof(Dropout)} must be in [0, 1), not {Dropout}.");
        return new Network(inputSize, HiddenLayers, classCount, Dropout);
    }

    private sealed class Network : StudentNetwork
    {
        private readonly ModuleList<Linear> layers;
        private readonly float _dropout;

        public Network(int inputSize, int[] hidden, int classCount, float dropout) : base("mlp")
        {
            _dropout = dropout;
            var widths = hidden.Prepend(inputSize).Append(classCount).ToArray();
            layers = new ModuleList<Linear>(Enumerable.Range(0, widths.Length - 1).Select(i => nn.Linear(widths[i], widths[i + 1])).ToArray());
            RegisterComponents();
        }

        public override IReadOnlyList<string> LayerNames => Enumerable.Range(1, layers.Count - 1).Select(i => $"hidden{i}").ToArray();

        public override Tensor forward(Tensor input) => Forward(input, null);

        public override Tensor Forward(Tensor input, Dictionary<string, Tensor?>? taps)
        {
            using var scope = NewDisposeScope();
            var output = ForwardDense(layers, input, _dropout, taps, "hidden").MoveToOuterDisposeScope();
            KeepTaps(taps);
            return output;
        }

        public override IReadOnlyList<StudentLayer> ExportLayers()
        {
            var result = new List<StudentLayer>();
            ExportDense(layers, result, "hidden");
            return result;
        }
    }
}
