using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// A fastText-style text student (Joulin et al. 2016, "Bag of Tricks for Efficient Text Classification"): each row is a
/// sparse vector of word and character n-gram counts (hashed into buckets, e.g. by
/// <c>mlContext.Transforms.HashedTextNgrams(...)</c>, see <see cref="TextFeaturizationExtensions"/>), the student
/// averages the embeddings of its n-grams (weighted by their values) and a linear head (or a small MLP,
/// <see cref="HiddenLayers"/>) maps the mean to the outputs. It trains on the non-zeros only and scores in microseconds.
/// The embedding's output is named <c>embedding</c> and the hidden layers' <c>hidden1</c>, ... for feature loss terms.
/// </summary>
public sealed class FastTextStudent : StudentArchitecture
{
    /// <summary>Widths of the hidden layers between the mean embedding and the head; empty (the default) is fastText's linear head.</summary>
    public int[] HiddenLayers { get; set; } = [];

    /// <summary>The embedding size. Default <see cref="Defaults.TextEmbeddingSize"/>.</summary>
    public int EmbeddingSize { get; set; } = Defaults.TextEmbeddingSize;

    /// <summary>Dropout probability on the mean embedding and after each hidden layer during training (0 disables it).</summary>
    public float Dropout { get; set; }

    /// <summary>Probability of dropping each n-gram of a row during training (0, the default, disables it).</summary>
    public float InputDropout { get; set; }

    /// <inheritdoc />
    public override string Describe(int inputSize, int classCount)
        => $"fastText {inputSize}×{EmbeddingSize}{string.Concat(HiddenLayers.Select(w => $"-{w}"))}-{classCount}";

    internal override StudentArchitecture Copy() => new FastTextStudent
    {
        HiddenLayers = HiddenLayers?.ToArray()!, EmbeddingSize = EmbeddingSize, Dropout = Dropout, InputDropout = InputDropout,
        StandardizeInputs = StandardizeInputs,
    };

    internal override bool ReadsSparseInputs => true;

    internal override void CheckBeforeTraining(int inputSize, int classCount) => Check();

    internal override StudentNetwork Build(int inputSize, int classCount)
        => throw new NotSupportedException($"{nameof(FastTextStudent)} reads sparse n-gram vectors: leave the trainer's SparseFeatures option unset or true " +
            "and give it a text featurisation (mlContext.Transforms.HashedTextNgrams, FeaturizeText).");

    internal override StudentNetwork BuildForSparseInputs(int inputSize, int classCount)
    {
        Check();
        return new Network(inputSize, EmbeddingSize, HiddenLayers, classCount, Dropout, InputDropout);
    }

    private void Check()
    {
        if (HiddenLayers is null || HiddenLayers.Any(w => w <= 0))
            throw new ArgumentOutOfRangeException(nameof(HiddenLayers),
                $"{nameof(FastTextStudent)}.{nameof(HiddenLayers)} must hold positive widths.");
        if (EmbeddingSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), $"{nameof(FastTextStudent)}.{nameof(EmbeddingSize)} must be positive, not {EmbeddingSize}.");
        if (Dropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(Dropout), $"{nameof(FastTextStudent)}.{nameof(Dropout)} must be in [0, 1), not {Dropout}.");
        if (InputDropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(InputDropout), $"{nameof(FastTextStudent)}.{nameof(InputDropout)} must be in [0, 1), not {InputDropout}.");
        if (StandardizeInputs)
            throw new ArgumentOutOfRangeException(nameof(StandardizeInputs), $"{nameof(FastTextStudent)} averages its n-grams' embeddings, weighted by their values; " +
                $"scaling each n-gram would change those weights. Leave {nameof(StandardizeInputs)} false.");
    }

    private sealed class Network : StudentNetwork
    {
        private readonly SparseLinear embedding;
        private readonly ModuleList<Linear> head;
        private readonly float _dropout;

        public Network(int inputSize, int embeddingSize, int[] hidden, int classCount, float dropout, float inputDropout) : base("fasttext")
        {
            _dropout = dropout;
            embedding = new SparseLinear(inputSize, embeddingSize, withBias: false, averageValues: true, inputDropout, embeddingInit: true);
            var widths = hidden.Prepend(embeddingSize).Append(classCount).ToArray();
            head = new ModuleList<Linear>(Enumerable.Range(0, widths.Length - 1).Select(i => nn.Linear(widths[i], widths[i + 1])).ToArray());
            RegisterComponents();
        }

        public override SparseLinear SparseInput => embedding;

        public override IReadOnlyList<string> LayerNames => ["embedding", .. Enumerable.Range(1, head.Count - 1).Select(i => $"hidden{i}")];

        public override Tensor forward(Tensor input)
            => throw new NotSupportedException("This student reads sparse rows (ForwardSparse).");

        public override Tensor ForwardSparse(SparseBatch input, Dictionary<string, Tensor?>? taps)
        {
            using var scope = NewDisposeScope();
            var x = embedding.forward(input);
            embedding.KeepTouchedRows();
            Tap(taps, "embedding", x);
            if (_dropout > 0)
                x = Dropout(x, _dropout);
            var output = ForwardDense(head, x, _dropout, taps, "hidden").MoveToOuterDisposeScope();
            KeepTaps(taps, output);
            return output;
        }

        public override IReadOnlyList<StudentLayer> ExportLayers()
        {
            // The embedding's output is the graph's tensor named "embedding" (an identity node) so a student used as a teacher offers it.
            var result = new List<StudentLayer> { embedding.Export() with { TapNames = ["embedding"] } };
            ExportDense(head, result, "hidden");
            return result;
        }
    }
}
