namespace MLNet.Distillation;

/// <summary>
/// One inference-time layer of a trained student, with its weights copied out of TorchSharp.
/// This is the hand-over format between training (TorchSharp) and deployment (ONNX): the exporter
/// never touches a live module, so an exported model depends only on these arrays.
/// </summary>
internal abstract record StudentLayer;

/// <summary>A fully connected layer y = x·Wᵀ + b, with <see cref="Weight"/> stored row-major as [outputs, inputs].</summary>
internal sealed record DenseLayer(int Inputs, int Outputs, float[] Weight, float[] Bias) : StudentLayer;

/// <summary>The element-wise rectifier max(x, 0).</summary>
internal sealed record ReluLayer : StudentLayer;

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
}

/// <summary>Max pooling over <see cref="Window"/> (padding counts as −∞, as in PyTorch and ONNX).</summary>
internal sealed record MaxPool2dLayer(Window2d Window) : StudentLayer
{
    /// <summary>Square max pooling with stride equal to the window.</summary>
    public MaxPool2dLayer(int window) : this(Window2d.Square(window, window, 0)) { }
}

/// <summary>Average pooling over <see cref="Window"/>; <see cref="CountIncludePad"/> divides by the whole window even where it overlaps padding (PyTorch's default).</summary>
internal sealed record AvgPool2dLayer(Window2d Window, bool CountIncludePad) : StudentLayer;

/// <summary>Per-channel <c>x · Scale + Shift</c>: a batch normalisation in eval mode that no preceding layer could absorb, or a target scaling after a non-dense last layer.</summary>
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

/// <summary>Element-wise <c>(x − Mean) · InverseStd</c> over a row's features: input standardisation that could not be folded into the first layer.</summary>
internal sealed record StandardizeLayer(float[] Mean, float[] InverseStd) : StudentLayer;
