using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// A multi-layer perceptron student: Linear → ReLU (→ Dropout) per hidden layer, then a Linear head. Its hidden layers'
/// outputs (after the ReLU) are named <c>hidden1</c>, <c>hidden2</c>, ... for feature and relation loss terms
/// (<see cref="LossTerm.StudentLayer"/>). On sparse features (a bag of n-grams from <c>FeaturizeText</c>) its first layer
/// multiplies the rows' non-zeros only (<see cref="SparseLinear"/>): the same function, without densifying.
/// </summary>
public sealed class MlpStudent : StudentArchitecture
{
    /// <summary>An MLP with one hidden layer of 64 units that standardises its inputs.</summary>
    public MlpStudent() => StandardizeInputs = true;

    /// <summary>Widths of the hidden layers, input side first. Default one layer of 64 units; empty gives a linear model.</summary>
    public int[] HiddenLayers { get; set; } = [Defaults.HiddenLayerWidth];

    /// <summary>Dropout probability after each hidden activation during training (0 disables it).</summary>
    public float Dropout { get; set; }

    /// <summary>
    /// Dropout probability on the input features during training (0, the default, disables it). On sparse text features
    /// each non-zero (an n-gram) is dropped on its own: word dropout, a regulariser small text data sets need.
    /// </summary>
    public float InputDropout { get; set; }

    /// <summary>
    /// Whether a dense network's training steps use the hand-written backward pass (<see cref="FusedDenseStack"/>; the
    /// default) or autograd's; the two train the same student to float rounding. Tests compare them.
    /// </summary>
    internal bool FusedTrainingStep { get; set; } = true;

    /// <inheritdoc />
    public override string Describe(int inputSize, int classCount)
        => $"MLP {string.Join("-", HiddenLayers.Prepend(inputSize).Append(classCount))}";

    internal override StudentArchitecture Copy() => new MlpStudent
    {
        HiddenLayers = HiddenLayers?.ToArray()!, Dropout = Dropout, InputDropout = InputDropout, StandardizeInputs = StandardizeInputs,
        FusedTrainingStep = FusedTrainingStep,
    };

    internal override bool ReadsSparseInputs => true;

    /// <summary>The task's measured default for an MLP (<see cref="TrainingTask.MlpSparseStep"/>: table-wide for multiclass).</summary>
    internal override SparseFeatureStep DefaultSparseFeatureStep(TrainingTask task) => task.MlpSparseStep;

    internal override StudentNetwork Build(int inputSize, int classCount)
    {
        Check();
        return new Network(inputSize, HiddenLayers, classCount, Dropout, InputDropout, FusedTrainingStep);
    }

    internal override StudentNetwork BuildForSparseInputs(int inputSize, int classCount)
    {
        Check();
        return new SparseNetwork(inputSize, HiddenLayers, classCount, Dropout, InputDropout);
    }

    private void Check()
    {
        if (HiddenLayers is null || HiddenLayers.Any(w => w <= 0))
            throw new ArgumentOutOfRangeException(nameof(HiddenLayers), $"{nameof(MlpStudent)}.{nameof(HiddenLayers)} must hold positive widths.");
        if (Dropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(Dropout), $"{nameof(MlpStudent)}.{nameof(Dropout)} must be in [0, 1), not {Dropout}.");
        if (InputDropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(InputDropout), $"{nameof(MlpStudent)}.{nameof(InputDropout)} must be in [0, 1), not {InputDropout}.");
    }

    private sealed class Network : StudentNetwork
    {
        private readonly ModuleList<Linear> layers;
        private readonly float _dropout, _inputDropout;
        private readonly FusedDenseStack? _fused;

        public Network(int inputSize, int[] hidden, int classCount, float dropout, float inputDropout, bool fused) : base("mlp")
        {
            (_dropout, _inputDropout) = (dropout, inputDropout);
            var widths = hidden.Prepend(inputSize).Append(classCount).ToArray();
            layers = new ModuleList<Linear>(Enumerable.Range(0, widths.Length - 1).Select(i => nn.Linear(widths[i], widths[i + 1])).ToArray());
            RegisterComponents();
            _fused = fused ? new FusedDenseStack([.. layers], dropout) : null;
        }

        /// <summary>The hand-written pass while training inside a Fit (which sets the generator), else autograd's.</summary>
        public override Tensor ForwardForStep(Tensor input, Dictionary<string, Tensor?>? taps)
        {
            if (_fused is null || !training || Generator is not { } generator)
                return Forward(input, taps);
            if (_inputDropout > 0)
                input = Dropout(input, _inputDropout);
            return _fused.Forward(input, taps, generator, "hidden");
        }

        public override void BackwardForStep(Tensor total)
        {
            if (_fused is { Pending: true })
                _fused.Backward(total);
            else
                total.backward();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _fused?.Dispose();
            base.Dispose(disposing);
        }

        public override IReadOnlyList<string> LayerNames => Enumerable.Range(1, layers.Count - 1).Select(i => $"hidden{i}").ToArray();

        public override Tensor forward(Tensor input) => Forward(input, null);

        public override Tensor Forward(Tensor input, Dictionary<string, Tensor?>? taps)
        {
            using var scope = NewDisposeScope();
            if (_inputDropout > 0)
                input = Dropout(input, _inputDropout);
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

    /// <summary>The same MLP over sparse rows: the first layer is a <see cref="SparseLinear"/> initialised as the dense one would be.</summary>
    private sealed class SparseNetwork : StudentNetwork
    {
        private readonly SparseLinear first;
        private readonly ModuleList<Linear> rest;
        private readonly float _dropout;

        public SparseNetwork(int inputSize, int[] hidden, int classCount, float dropout, float inputDropout) : base("mlp")
        {
            _dropout = dropout;
            var widths = hidden.Prepend(inputSize).Append(classCount).ToArray();
            first = new SparseLinear(inputSize, widths[1], withBias: true, averageValues: false, inputDropout, embeddingInit: false);
            rest = new ModuleList<Linear>(Enumerable.Range(1, widths.Length - 2).Select(i => nn.Linear(widths[i], widths[i + 1])).ToArray());
            RegisterComponents();
        }

        public override SparseLinear SparseInput => first;

        public override IReadOnlyList<string> LayerNames => Enumerable.Range(1, rest.Count).Select(i => $"hidden{i}").ToArray();

        public override Tensor forward(Tensor input)
            => throw new NotSupportedException("This student reads sparse rows (ForwardSparse).");

        public override Tensor ForwardSparse(SparseBatch input, Dictionary<string, Tensor?>? taps)
        {
            using var scope = NewDisposeScope();
            var x = first.forward(input);
            first.KeepTouchedRows();
            if (rest.Count > 0)
            {
                x = nn.functional.relu(x);
                Tap(taps, "hidden1", x);
                if (_dropout > 0)
                    x = Dropout(x, _dropout);
                x = ForwardDense(rest, x, _dropout, taps, "hidden", firstTap: 2);
            }
            var output = x.MoveToOuterDisposeScope();
            KeepTaps(taps, output);
            return output;
        }

        public override IReadOnlyList<StudentLayer> ExportLayers()
        {
            var result = new List<StudentLayer> { first.Export() };
            if (rest.Count > 0)
            {
                result.Add(new ReluLayer("hidden1"));
                ExportDense(rest, result, "hidden", firstTap: 2);
            }
            return result;
        }
    }
}
