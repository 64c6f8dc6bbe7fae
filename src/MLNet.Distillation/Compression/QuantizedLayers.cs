namespace MLNet.Distillation;

/// <summary>
/// A dense layer with int8 weights (<see cref="SymmetricInt8"/>) and a float bias. <see cref="Input"/> null: dynamic
/// quantization, the input's uint8 parameters are computed per call (ONNX DynamicQuantizeLinear → MatMulInteger); else
/// static: the layer follows a <see cref="QuantizeDequantizeLayer"/> with these parameters, and the bias is stored as int32
/// in units of input scale × weight scale, as ONNX Runtime's QGemm needs.
/// </summary>
/// <param name="Inputs">Inputs per row.</param>
/// <param name="Outputs">Outputs per row.</param>
/// <param name="Weight">The int8 weights, [outputs, inputs] row-major.</param>
/// <param name="Bias">The float bias.</param>
/// <param name="Input">The input's static quantization, or null for dynamic.</param>
internal sealed record QuantizedDenseLayer(int Inputs, int Outputs, QuantizedWeights Weight, float[] Bias, AffineUInt8? Input) : StudentLayer;

/// <summary>
/// A convolution with int8 weights, one scale per filter or one for all (see <see cref="QuantizedDenseLayer"/> for
/// <see cref="Input"/>).
/// </summary>
/// <param name="InChannels">Input channels.</param>
/// <param name="OutChannels">Output channels (filters).</param>
/// <param name="KernelSize">Square kernel side.</param>
/// <param name="Padding">Symmetric zero padding.</param>
/// <param name="Weight">The int8 weights, [out, in, k, k].</param>
/// <param name="Bias">The float bias.</param>
/// <param name="Input">The input's static quantization, or null for dynamic.</param>
internal sealed record QuantizedConv2dLayer(int InChannels, int OutChannels, int KernelSize, int Padding, QuantizedWeights Weight, float[] Bias,
    AffineUInt8? Input) : StudentLayer;

/// <summary>
/// Rounds the activations to the uint8 grid of <see cref="Parameters"/> and back (ONNX QuantizeLinear → DequantizeLinear):
/// the marks static quantization leaves for ONNX Runtime, which fuses them with the neighbouring Gemm/Conv into integer
/// kernels (QGemm, QLinearConv) and runs max pooling and reshapes on the uint8 values.
/// </summary>
/// <param name="Parameters">The calibrated scale and zero point.</param>
internal sealed record QuantizeDequantizeLayer(AffineUInt8 Parameters) : StudentLayer;
