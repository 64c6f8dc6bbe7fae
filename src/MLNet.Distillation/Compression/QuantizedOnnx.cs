using MLNet.Distillation.Onnx.Proto;

namespace MLNet.Distillation;

/// <summary>
/// The ONNX operators of the quantized layers (standard opset 13 only, so any ONNX runtime can read the file):
/// <list type="bullet">
/// <item>dynamic dense: <c>DynamicQuantizeLinear(x)</c> → <c>MatMulInteger(x_u8, Wᵀ_s8, x_zp)</c> → <c>Cast</c> → <c>Mul(x_scale · w_scale)</c> →
/// <c>Add(bias)</c>, the pattern ONNX Runtime fuses into one DynamicQuantizeMatMul kernel;</item>
/// <item>dynamic convolution: the same with <c>ConvInteger</c>;</item>
/// <item>static (QDQ): <c>Gemm</c>/<c>Conv</c> over <c>DequantizeLinear</c> of the int8 weights and of the int32 bias, its input
/// coming from a <c>QuantizeLinear → DequantizeLinear</c> pair; ONNX Runtime rewrites the group into QGemm/QLinearConv.</item>
/// </list>
/// Weight scales are per output channel (axis 0; for MatMulInteger's transposed weight, the last axis) or per tensor.
/// </summary>
internal static class QuantizedOnnx
{
    private const long FloatType = (long)TensorProto.Types.DataType.Float;

    public static string Dense(OnnxGraphBuilder graph, string x, QuantizedDenseLayer dense, int index)
        => dense.Input is null ? DynamicDense(graph, x, dense, index) : StaticDense(graph, x, dense, dense.Input, index);

    public static string Conv(OnnxGraphBuilder graph, string x, QuantizedConv2dLayer conv, int index)
        => conv.Input is null ? DynamicConv(graph, x, conv, index) : StaticConv(graph, x, conv, conv.Input, index);

    public static string QuantizeDequantize(OnnxGraphBuilder graph, string x, AffineUInt8 parameters, int index)
    {
        string scale = graph.AddInitializer($"act{index}_scale", [parameters.Scale]);
        string zeroPoint = graph.AddUInt8Initializer($"act{index}_zero_point", [parameters.ZeroPoint]);
        string q = graph.AddNode("QuantizeLinear", [x, scale, zeroPoint]);
        return graph.AddNode("DequantizeLinear", [q, scale, zeroPoint]);
    }

    private static string DynamicDense(OnnxGraphBuilder graph, string x, QuantizedDenseLayer dense, int index)
    {
        // MatMulInteger computes A·B with B [inputs, outputs]: store the transpose of the [outputs, inputs] codes.
        var transposed = new sbyte[dense.Weight.Codes.Length];
        for (int o = 0; o < dense.Outputs; o++)
            for (int i = 0; i < dense.Inputs; i++)
                transposed[i * dense.Outputs + o] = dense.Weight.Codes[o * dense.Inputs + i];
        string w = graph.AddInt8Initializer($"dense{index}_weight_int8", transposed, dense.Inputs, dense.Outputs);
        string wScale = WeightScales(graph, $"dense{index}_weight_scale", dense.Weight);
        var q = graph.AddNodeWithOutputs("DynamicQuantizeLinear", [x], 3);
        string product = graph.AddNode("MatMulInteger", [q[0], w, q[2]]);
        return Rescale(graph, product, q[1], wScale, graph.AddInitializer($"dense{index}_bias", dense.Bias, dense.Outputs));
    }

    private static string DynamicConv(OnnxGraphBuilder graph, string x, QuantizedConv2dLayer conv, int index)
    {
        string w = graph.AddInt8Initializer($"conv{index}_weight_int8", conv.Weight.Codes, conv.OutChannels, conv.InChannels, conv.KernelSize,
            conv.KernelSize);
        // Scales and bias as [C, 1, 1] so they broadcast over [N, C, H, W].
        string wScale = conv.Weight.Scales.Length == 1
            ? graph.AddInitializer($"conv{index}_weight_scale", conv.Weight.Scales)
            : graph.AddInitializer($"conv{index}_weight_scale", conv.Weight.Scales, conv.OutChannels, 1, 1);
        var q = graph.AddNodeWithOutputs("DynamicQuantizeLinear", [x], 3);
        string product = graph.AddNode("ConvInteger", [q[0], w, q[2]], null, ConvAttributes(conv));
        return Rescale(graph, product, q[1], wScale, graph.AddInitializer($"conv{index}_bias", conv.Bias, conv.OutChannels, 1, 1));
    }

    /// <summary>int32 accumulator → float, × (input scale · weight scale), + bias.</summary>
    private static string Rescale(OnnxGraphBuilder graph, string product, string inputScale, string weightScale, string bias)
    {
        string asFloat = graph.AddNode("Cast", [product], null, OnnxGraphBuilder.Int("to", FloatType));
        string multiplier = graph.AddNode("Mul", [inputScale, weightScale]);
        return graph.AddNode("Add", [graph.AddNode("Mul", [asFloat, multiplier]), bias]);
    }

    private static string StaticDense(OnnxGraphBuilder graph, string x, QuantizedDenseLayer dense, AffineUInt8 input, int index)
    {
        string w = DequantizedWeight(graph, $"dense{index}", dense.Weight, dense.Outputs, dense.Inputs);
        string b = DequantizedBias(graph, $"dense{index}", dense.Weight, dense.Bias, input);
        return graph.AddNode("Gemm", [x, w, b], null, OnnxGraphBuilder.Int("transB", 1));
    }

    private static string StaticConv(OnnxGraphBuilder graph, string x, QuantizedConv2dLayer conv, AffineUInt8 input, int index)
    {
        string w = DequantizedWeight(graph, $"conv{index}", conv.Weight, conv.OutChannels, conv.InChannels, conv.KernelSize, conv.KernelSize);
        string b = DequantizedBias(graph, $"conv{index}", conv.Weight, conv.Bias, input);
        return graph.AddNode("Conv", [x, w, b], null, ConvAttributes(conv));
    }

    /// <summary>DequantizeLinear over the int8 codes, per channel along axis 0 or per tensor; zero point 0.</summary>
    private static string DequantizedWeight(OnnxGraphBuilder graph, string name, QuantizedWeights weight, params long[] dims)
    {
        string codes = graph.AddInt8Initializer($"{name}_weight_int8", weight.Codes, dims);
        bool perChannel = weight.Scales.Length > 1;
        string scale = perChannel ? graph.AddInitializer($"{name}_weight_scale", weight.Scales, weight.Scales.Length)
            : graph.AddInitializer($"{name}_weight_scale", weight.Scales);
        string zero = perChannel ? graph.AddInt8Initializer($"{name}_weight_zero_point", new sbyte[weight.Scales.Length], weight.Scales.Length)
            : graph.AddInt8Initializer($"{name}_weight_zero_point", [0]);
        return perChannel ? graph.AddNode("DequantizeLinear", [codes, scale, zero], null, OnnxGraphBuilder.Int("axis", 0))
            : graph.AddNode("DequantizeLinear", [codes, scale, zero]);
    }

    /// <summary>The bias as int32 codes of step input scale × weight scale (per channel), dequantized for the Gemm/Conv.</summary>
    private static string DequantizedBias(OnnxGraphBuilder graph, string name, QuantizedWeights weight, float[] bias, AffineUInt8 input)
    {
        var (codes, scales) = QuantizedBias.Quantize(bias, input.Scale, weight);
        string b = graph.AddInt32Initializer($"{name}_bias_int32", codes, codes.Length);
        string scale = graph.AddInitializer($"{name}_bias_scale", scales, scales.Length);
        return graph.AddNode("DequantizeLinear", [b, scale], null, OnnxGraphBuilder.Int("axis", 0));
    }

    private static string WeightScales(OnnxGraphBuilder graph, string name, QuantizedWeights weight)
        => weight.Scales.Length == 1 ? graph.AddInitializer(name, weight.Scales) : graph.AddInitializer(name, weight.Scales, weight.Scales.Length);

    private static Onnx.Proto.AttributeProto[] ConvAttributes(QuantizedConv2dLayer conv) =>
    [
        OnnxGraphBuilder.Ints("kernel_shape", conv.KernelSize, conv.KernelSize),
        OnnxGraphBuilder.Ints("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding),
        OnnxGraphBuilder.Ints("strides", 1, 1),
    ];
}
