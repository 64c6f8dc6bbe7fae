namespace MLNet.Distillation;

/// <summary>
/// One inference-time layer of a trained student, with its weights copied out of TorchSharp.
/// This is the hand-over format between training (TorchSharp) and deployment (ONNX): the exporter
/// never touches a live module, so an exported model depends only on these arrays.
/// </summary>
internal abstract record StudentLayer
{
    /// <summary>
    /// The student layer names (<see cref="LossTerm.StudentLayer"/>) whose output is this layer's output, as the network
    /// that produced these layers named them: a custom student's module paths (<c>body.1</c>, and <c>body</c> when this layer
    /// ends that <c>Sequential</c>). A network rebuilt from these layers (a pruned student's fine-tuning) offers the same
    /// names, so a loss recipe that reads a hidden layer still finds it. Empty when the layer is not named; the built-in
    /// students name theirs through <see cref="ReluLayer.OutputName"/> and <see cref="MaxPool2dLayer.OutputName"/>.
    /// </summary>
    public IReadOnlyList<string> TapNames { get; init; } = [];

    /// <summary>Every name this layer's output goes by: <see cref="TapNames"/> and the exported tensor's name where it has one.</summary>
    public IEnumerable<string> OutputNames => this switch
    {
        ReluLayer { OutputName: { } relu } => TapNames.Prepend(relu),
        MaxPool2dLayer { OutputName: { } pool } => TapNames.Prepend(pool),
        _ => TapNames,
    };
}

/// <summary>A fully connected layer y = x·Wᵀ + b, with <see cref="Weight"/> stored row-major as [outputs, inputs].</summary>
internal sealed record DenseLayer(int Inputs, int Outputs, float[] Weight, float[] Bias) : StudentLayer;

/// <summary>
/// The element-wise rectifier max(x, 0). <see cref="OutputName"/>, when set, names its output tensor in the exported graph
/// after the student layer it ends (<c>hidden1</c>, <c>dense1</c>): a student used as a teacher then offers its hidden
/// layers by the names the trainer uses (TeacherScore's <c>IntermediateOutputs</c>).
/// </summary>
internal sealed record ReluLayer(string? OutputName = null) : StudentLayer;

/// <summary>Reshapes each row's flat features into <see cref="Shape"/> (channels, height, width), keeping the batch dimension.</summary>
internal sealed record ReshapeLayer(int[] Shape) : StudentLayer;

/// <summary>
/// A 2-D convolution with zero padding; <see cref="Weight"/> is [out, in / groups, kernel height, kernel width]. The
/// six-argument constructor is the square, stride-1, symmetric-padding form the built-in CNN student uses.
/// </summary>
internal sealed record Conv2dLayer(int InChannels, int OutChannels, Window2d Window, float[] Weight, float[] Bias) : StudentLayer
{
    /// <summary>A square <paramref name="kernelSize"/> kernel, stride 1, <paramref name="padding"/> zeros on every side.</summary>
    public Conv2dLayer(int inChannels, int outChannels, int kernelSize, int padding, float[] weight, float[] bias)
        : this(inChannels, outChannels, Window2d.Square(kernelSize, 1, padding), weight, bias) { }

    /// <summary>Channel groups (1: every output channel reads every input channel).</summary>
    public int Groups { get; init; } = 1;

    /// <summary>
    /// The kernel side of the built-in CNN's form (square, stride 1, symmetric padding, no dilation, one group), which
    /// pruning and quantization handle; any other convolution is refused there with this message, naming its window.
    /// </summary>
    public int KernelSize => IsSquareStrideOne ? Window.KernelHeight
        : throw new NotSupportedException($"A {Window} convolution{(Groups == 1 ? "" : $" in {Groups} groups")} is not supported here: pruning and quantization " +
            "handle square, stride-1, symmetrically padded convolutions (the built-in CnnStudent's).");

    /// <summary>The zeros on every side, in the built-in CNN's form (see <see cref="KernelSize"/>).</summary>
    public int Padding => KernelSize > 0 ? Window.PadTop : 0;

    private bool IsSquareStrideOne => Groups == 1 && Window == Window2d.Square(Window.KernelHeight, 1, Window.PadTop);
}

/// <summary>Max pooling over <see cref="Window"/> (padding counts as −∞, as in PyTorch and ONNX);
/// <see cref="OutputName"/> names its output tensor when set (<c>conv1</c>).</summary>
internal sealed record MaxPool2dLayer(Window2d Window, string? OutputName = null) : StudentLayer
{
    /// <summary>Square max pooling with stride equal to the window.</summary>
    public MaxPool2dLayer(int window, string? outputName = null) : this(Window2d.Square(window, window, 0), outputName) { }

    /// <summary>
    /// The side of a square pooling window whose stride equals it, without padding (the built-in CNN's form, which pruning
    /// and quantization handle); any other pooling is refused there with this message.
    /// </summary>
    public int Size => Window == Window2d.Square(Window.KernelHeight, Window.KernelHeight, 0) ? Window.KernelHeight
        : throw new NotSupportedException($"A {Window} max pooling is not supported here: pruning and quantization handle square pooling whose stride is its size (the built-in CnnStudent's).");
}

/// <summary>
/// Average pooling over <see cref="Window"/>; <see cref="CountIncludePad"/> divides by the whole window even where it
/// overlaps padding (PyTorch's default).
/// </summary>
internal sealed record AvgPool2dLayer(Window2d Window, bool CountIncludePad) : StudentLayer;

/// <summary>
/// Per-channel <c>x · Scale + Shift</c>: a batch normalisation in eval mode that no preceding layer could absorb, or a
/// target scaling after a non-dense last layer.
/// </summary>
internal sealed record AffineLayer(float[] Scale, float[] Shift) : StudentLayer;

/// <summary><c>max(x, 0) + Slope · min(x, 0)</c>.</summary>
internal sealed record LeakyReluLayer(float Slope) : StudentLayer;

/// <summary>The hyperbolic tangent.</summary>
internal sealed record TanhLayer : StudentLayer;

/// <summary>The logistic function 1 / (1 + e^−x).</summary>
internal sealed record SigmoidLayer : StudentLayer;

/// <summary>GELU: exactly <c>x · Φ(x)</c> (through erf), or PyTorch's tanh approximation when <see cref="TanhApproximation"/>.</summary>
internal sealed record GeluLayer(bool TanhApproximation) : StudentLayer;

/// <summary>Flattens [N, C, H, W] to [N, C·H·W] in C, H, W order.</summary>
internal sealed record FlattenLayer : StudentLayer;

/// <summary>
/// Element-wise <c>(x − Mean) · InverseStd</c> over a row's features: input standardisation that could not be folded
/// into the first layer.
/// </summary>
internal sealed record StandardizeLayer(float[] Mean, float[] InverseStd) : StudentLayer;

/// <summary>
/// A first layer over sparse rows: <c>y = Σ_k v_k · W[s_k] + b</c> over a row's non-zeros, <see cref="Weight"/> stored
/// one row per input slot as [inputs, outputs] (an embedding table). With <see cref="AverageValues"/> a row's values are
/// first divided by the sum of their absolute values (fastText's mean of n-gram embeddings). Exported students read such
/// a row as (slot, value) pairs, never as the dense vector.
/// </summary>
internal sealed record SparseInputLayer(int Inputs, int Outputs, float[] Weight, float[] Bias, bool AverageValues) : StudentLayer;
