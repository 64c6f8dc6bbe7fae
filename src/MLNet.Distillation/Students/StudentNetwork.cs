using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>A trainable student: maps [B, F] features to [B, K] logits, and hands its weights to the exporter.</summary>
internal abstract class StudentNetwork : nn.Module<Tensor, Tensor>
{
    protected StudentNetwork(string name) : base(name) { }

    private Generator? _generator;

    /// <summary>
    /// The generator this network's dropout draws from while training (the Fit's own, see <see cref="TrainingRandom"/>),
    /// passed on to its sparse first layer; null draws from TorchSharp's global generator.
    /// </summary>
    public Generator? Generator
    {
        get => _generator;
        set
        {
            _generator = value;
            if (SparseInput is { } sparse)
                sparse.Generator = value;
        }
    }

    /// <summary>Dropout while training, drawn from <see cref="Generator"/>.</summary>
    protected Tensor Dropout(Tensor x, double p) => TrainingRandom.Dropout(x, p, training, _generator);

    /// <summary>The inference-time layers with their current weights, copied off the device.</summary>
    public abstract IReadOnlyList<StudentLayer> ExportLayers();

    /// <summary>
    /// Whether the trainer must compare the exported layers with this network's forward on a probe batch after training
    /// (<see cref="ExportProbe"/>): true where the layers are read from a module the library did not write.
    /// </summary>
    public virtual bool ChecksExport => false;

    /// <summary>
    /// The layers whose outputs a loss term can read (<see cref="LossTerm.StudentLayer"/>), input side first; empty when
    /// the network offers none.
    /// </summary>
    public virtual IReadOnlyList<string> LayerNames => [];

    /// <summary>
    /// The outputs, like <c>forward</c>, and the output of every layer named among <paramref name="taps"/>' keys stored
    /// under its name (in the caller's dispose scope). Networks without named layers accept no taps.
    /// </summary>
    /// <param name="input">Features, [B, F].</param>
    /// <param name="taps">Layer names to capture (values are overwritten), or null.</param>
    public virtual Tensor Forward(Tensor input, Dictionary<string, Tensor?>? taps)
    {
        if (taps is { Count: > 0 })
            throw new InvalidOperationException($"This student names no layers, so it cannot give '{string.Join("', '", taps.Keys)}'.");
        return forward(input);
    }

    /// <summary>
    /// The outputs for a training step, like <see cref="Forward"/>; <see cref="BackwardForStep"/> then backpropagates the
    /// step's loss. A network that writes its own backward pass (<see cref="FusedDenseStack"/>) returns leaves here that
    /// autograd stops at, and finishes the pass in <see cref="BackwardForStep"/>; both run in one dispose scope.
    /// </summary>
    /// <param name="input">Features, [B, F].</param>
    /// <param name="taps">Layer names to capture, or null.</param>
    public virtual Tensor ForwardForStep(Tensor input, Dictionary<string, Tensor?>? taps) => Forward(input, taps);

    /// <summary>Backpropagates a training step's total loss into the parameters' gradients (autograd's <c>backward</c> unless overridden).</summary>
    /// <param name="total">The loss of the step whose outputs <see cref="ForwardForStep"/> gave.</param>
    public virtual void BackwardForStep(Tensor total) => total.backward();

    /// <summary>The first layer when it reads sparse rows (<see cref="ForwardSparse"/>), else null.</summary>
    public virtual SparseLinear? SparseInput => null;

    /// <summary>
    /// The outputs for a batch of sparse rows, capturing the named layers like <see cref="Forward"/>. Only networks whose
    /// first layer reads sparse rows (<see cref="SparseInput"/>) accept them.
    /// </summary>
    /// <param name="input">The batch's non-zeros.</param>
    /// <param name="taps">Layer names to capture, or null.</param>
    public virtual Tensor ForwardSparse(SparseBatch input, Dictionary<string, Tensor?>? taps)
        => throw new NotSupportedException($"The student {GetName()} reads dense feature rows only.");

    /// <summary>Moves the captured layer outputs out of the network's own dispose scope into the caller's.</summary>
    /// <param name="taps">The captures.</param>
    /// <param name="output">The pass's output when the caller moves it out itself: a capture that is the output is not moved twice.</param>
    protected static void KeepTaps(Dictionary<string, Tensor?>? taps, Tensor? output = null)
    {
        if (taps is null) return;
        // One tensor can be captured under several names (a Sequential and its last layer); moving it twice would carry it
        // past the caller's scope.
        var moved = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        if (output is not null)
            moved.Add(output);
        foreach (var value in taps.Values)
            if (value is not null && moved.Add(value))
                value.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs a stack of Linear layers: ReLU (and dropout while training) after each but the last. The output of hidden
    /// layer i (after its ReLU, before dropout) is captured as <c>{prefix}{i + 1}</c> when <paramref name="taps"/> asks for it.
    /// </summary>
    /// <param name="layers">The layers, input side first.</param>
    /// <param name="x">Their input.</param>
    /// <param name="dropout">Dropout probability after each hidden activation while training.</param>
    /// <param name="taps">Layer names to capture, or null.</param>
    /// <param name="prefix">The names' prefix (<c>hidden</c>, <c>dense</c>).</param>
    /// <param name="firstTap">The number in the name of the first layer's output (2 when an earlier layer is hidden1).</param>
    protected Tensor ForwardDense(ModuleList<Linear> layers, Tensor x, float dropout, Dictionary<string, Tensor?>? taps = null, string prefix = "",
        int firstTap = 1)
    {
        for (int i = 0; i < layers.Count - 1; i++)
        {
            x = nn.functional.relu(layers[i].forward(x));
            Tap(taps, $"{prefix}{i + firstTap}", x);
            if (dropout > 0)
                x = Dropout(x, dropout);
        }
        return layers[layers.Count - 1].forward(x);
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/> when <paramref name="taps"/> asks for that layer.</summary>
    protected static void Tap(Dictionary<string, Tensor?>? taps, string name, Tensor value)
    {
        if (taps is not null && taps.ContainsKey(name))
            taps[name] = value;
    }

    /// <summary>
    /// Appends the inference form of a stack of Linear layers (Dense, ReLU between them) to <paramref name="target"/>, the
    /// ReLU after hidden layer i named <c>{prefix}{i + 1}</c> as <see cref="ForwardDense"/> names it.
    /// </summary>
    /// <param name="layers">The layers, input side first.</param>
    /// <param name="target">Where to append them.</param>
    /// <param name="prefix">The names' prefix, as in <see cref="ForwardDense"/>.</param>
    /// <param name="firstTap">The number in the name of the first layer's output (as in <see cref="ForwardDense"/>).</param>
    protected static void ExportDense(ModuleList<Linear> layers, List<StudentLayer> target, string prefix, int firstTap = 1)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            var linear = layers[i];
            target.Add(new DenseLayer((int)linear.in_features, (int)linear.out_features,
                linear.weight!.detach().cpu().data<float>().ToArray(), linear.bias!.detach().cpu().data<float>().ToArray()));
            if (i < layers.Count - 1)
                target.Add(new ReluLayer($"{prefix}{i + firstTap}"));
        }
    }
}
