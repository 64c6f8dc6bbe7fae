namespace MLNet.Distillation.Students;

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
