namespace MLNet.Distillation;

/// <summary>
/// One inference-time layer of a trained student, with its weights copied out of TorchSharp.
/// This is the hand-over format between training (TorchSharp) and deployment (ONNX): the exporter
/// never touches a live module, so an exported model depends only on these arrays.
/// </summary>
internal abstract record StudentLayer;

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

/// <summary>A 2-D convolution with square kernel, stride 1 and symmetric zero padding; <see cref="Weight"/> is [out, in, k, k].</summary>
internal sealed record Conv2dLayer(int InChannels, int OutChannels, int KernelSize, int Padding, float[] Weight, float[] Bias) : StudentLayer;

/// <summary>Square max pooling with stride equal to the window; <see cref="OutputName"/> names its output tensor when set (<c>conv1</c>).</summary>
internal sealed record MaxPool2dLayer(int Window, string? OutputName = null) : StudentLayer;

/// <summary>Flattens [N, C, H, W] to [N, C·H·W] in C, H, W order.</summary>
internal sealed record FlattenLayer : StudentLayer;

/// <summary>Element-wise <c>(x − Mean) · InverseStd</c> over a row's features: input standardisation that could not be folded into the first layer.</summary>
internal sealed record StandardizeLayer(float[] Mean, float[] InverseStd) : StudentLayer;
