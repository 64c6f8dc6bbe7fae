using MLNet.Distillation.Onnx.Proto;

namespace MLNet.Distillation;

/// <summary>
/// Writes one layer of a student's body into an ONNX graph (opset 13): one emitter per layer kind. Each takes the name of
/// the tensor flowing in and the per-row shape it has, checks that the layer fits that shape (so a malformed network fails
/// here, naming the layer, not in ONNX Runtime), and returns the tensor flowing out with its shape.
/// </summary>
internal static class OnnxLayerEmitter
{
    /// <summary>Emits layer <paramref name="i"/>; throws <see cref="NotSupportedException"/> for a layer kind with no rule.</summary>
    /// <param name="graph">The graph being built.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="x">The tensor flowing in.</param>
    /// <param name="shape">Its per-row shape.</param>
    /// <param name="i">The layer's index (names its initializers and its errors).</param>
    public static (string Output, int[] Shape) Emit(OnnxGraphBuilder graph, StudentLayer layer, string x, int[] shape, int i) => layer switch
    {
        DenseLayer dense => Dense(graph, dense, x, shape, i),
        ReluLayer relu => (graph.AddNode("Relu", [x], relu.OutputName), shape),
        ReshapeLayer reshape => Reshape(graph, reshape, x, shape, i),
        Conv2dLayer conv => Conv(graph, conv, x, shape, i),
        MaxPool2dLayer pool => MaxPool(graph, pool, x, shape, i),
        AvgPool2dLayer pool => AveragePool(graph, pool, x, shape, i),
        AffineLayer affine => Affine(graph, affine, x, shape, i),
        LeakyReluLayer leaky => (graph.AddNode("LeakyRelu", [x], null, OnnxGraphBuilder.Float("alpha", leaky.Slope)), shape),
        TanhLayer => (graph.AddNode("Tanh", [x]), shape),
        SigmoidLayer => (graph.AddNode("Sigmoid", [x]), shape),
        GeluLayer gelu => (Gelu(graph, x, gelu.TanhApproximation, i), shape),
        StandardizeLayer standardize => Standardize(graph, standardize, x, shape, i),
        QuantizedDenseLayer dense => QuantizedDense(graph, dense, x, shape, i),
        QuantizedConv2dLayer conv => QuantizedConv(graph, conv, x, shape, i),
        QuantizeDequantizeLayer qdq => (QuantizedOnnx.QuantizeDequantize(graph, x, qdq.Parameters, i), shape),
        FlattenLayer => (graph.AddNode("Flatten", [x], null, OnnxGraphBuilder.Int("axis", 1)), [shape.Aggregate(1, (a, b) => a * b)]),
        _ => throw new NotSupportedException($"ONNX export has no rule for layer {layer.GetType().Name}."),
    };

    private static (string, int[]) Dense(OnnxGraphBuilder graph, DenseLayer dense, string x, int[] shape, int i)
    {
        if (shape.Length != 1 || dense.Inputs != shape[0])
            throw new InvalidOperationException($"Dense layer {i} expects {dense.Inputs} inputs but receives [{Shape(shape)}].");
        string w = graph.AddInitializer($"dense{i}_weight", dense.Weight, dense.Outputs, dense.Inputs);
        string b = graph.AddInitializer($"dense{i}_bias", dense.Bias, dense.Outputs);
        // Gemm with transB=1 consumes the [out, in] layout TorchSharp's Linear stores, without a transpose node.
        return (graph.AddNode("Gemm", [x, w, b], null, OnnxGraphBuilder.Int("transB", 1)), [dense.Outputs]);
    }

    private static (string, int[]) Reshape(OnnxGraphBuilder graph, ReshapeLayer reshape, string x, int[] shape, int i)
    {
        // -1 keeps the batch dimension whatever it is; the single-row layout has it fixed at 1 anyway.
        string target = graph.AddInt64Initializer($"reshape{i}_shape", [-1, .. reshape.Shape.Select(d => (long)d)]);
        if (reshape.Shape.Aggregate(1, (a, b) => a * b) != shape.Aggregate(1, (a, b) => a * b))
            throw new InvalidOperationException($"Reshape layer {i} cannot turn [{Shape(shape)}] into [{Shape(reshape.Shape)}].");
        return (graph.AddNode("Reshape", [x, target]), reshape.Shape);
    }

    private static (string, int[]) Conv(OnnxGraphBuilder graph, Conv2dLayer conv, string x, int[] shape, int i)
    {
        var window = conv.Window;
        if (shape.Length != 3 || shape[0] != conv.InChannels)
            throw new InvalidOperationException($"Convolution {i} expects {conv.InChannels} channels but receives [{Shape(shape)}].");
        if (conv.Groups < 1 || conv.InChannels % conv.Groups != 0 || conv.OutChannels % conv.Groups != 0
            || conv.Weight.Length != conv.OutChannels * (conv.InChannels / conv.Groups) * window.KernelHeight * window.KernelWidth)
            throw new InvalidOperationException($"Convolution {i} has {conv.Weight.Length} weights, which do not fit {conv.InChannels}→{conv.OutChannels} channels in {conv.Groups} groups with a {window} kernel.");
        string cw = graph.AddInitializer($"conv{i}_weight", conv.Weight, conv.OutChannels, conv.InChannels / conv.Groups, window.KernelHeight,
            window.KernelWidth);
        string cb = graph.AddInitializer($"conv{i}_bias", conv.Bias, conv.OutChannels);
        var attributes = WindowAttributes(window).ToList();
        if (window.DilationHeight != 1 || window.DilationWidth != 1)
            attributes.Add(OnnxGraphBuilder.Ints("dilations", window.DilationHeight, window.DilationWidth));
        if (conv.Groups != 1)
            attributes.Add(OnnxGraphBuilder.Int("group", conv.Groups));
        return (graph.AddNode("Conv", [x, cw, cb], null, [.. attributes]), Slide(window, shape, conv.OutChannels, $"Convolution {i}"));
    }

    private static (string, int[]) MaxPool(OnnxGraphBuilder graph, MaxPool2dLayer pool, string x, int[] shape, int i)
    {
        if (shape.Length != 3)
            throw new InvalidOperationException($"Max pooling {i} needs [channels, height, width] but receives [{Shape(shape)}].");
        var window = pool.Window;
        string output = graph.AddNode("MaxPool", [x], pool.OutputName,
            WindowAttributes(window, pads: window.PadTop + window.PadLeft + window.PadBottom + window.PadRight > 0));
        return (output, Slide(window, shape, shape[0], $"Max pooling {i}"));
    }

    private static (string, int[]) AveragePool(OnnxGraphBuilder graph, AvgPool2dLayer pool, string x, int[] shape, int i)
    {
        if (shape.Length != 3)
            throw new InvalidOperationException($"Average pooling {i} needs [channels, height, width] but receives [{Shape(shape)}].");
        string output = graph.AddNode("AveragePool", [x], null,
            [.. WindowAttributes(pool.Window), OnnxGraphBuilder.Int("count_include_pad", pool.CountIncludePad ? 1 : 0)]);
        return (output, Slide(pool.Window, shape, shape[0], $"Average pooling {i}"));
    }

    private static (string, int[]) Affine(OnnxGraphBuilder graph, AffineLayer affine, string x, int[] shape, int i)
    {
        if (affine.Scale.Length != shape[0] || affine.Shift.Length != shape[0])
            throw new InvalidOperationException($"Affine layer {i} has {affine.Scale.Length} channels but receives [{Shape(shape)}].");
        // [C] broadcasts over a row's features; [C, 1, 1] over each channel of an image.
        long[] dims = shape.Length == 1 ? [shape[0]] : [shape[0], .. Enumerable.Repeat(1L, shape.Length - 1)];
        x = graph.AddNode("Mul", [x, graph.AddInitializer($"affine{i}_scale", affine.Scale, dims)]);
        return (graph.AddNode("Add", [x, graph.AddInitializer($"affine{i}_shift", affine.Shift, dims)]), shape);
    }

    private static (string, int[]) Standardize(OnnxGraphBuilder graph, StandardizeLayer standardize, string x, int[] shape, int i)
    {
        if (shape.Length != 1 || standardize.Mean.Length != shape[0])
            throw new InvalidOperationException($"Standardisation layer {i} has {standardize.Mean.Length} columns but receives [{Shape(shape)}].");
        x = graph.AddNode("Sub", [x, graph.AddInitializer($"standardize{i}_mean", standardize.Mean, standardize.Mean.Length)]);
        return (graph.AddNode("Mul", [x, graph.AddInitializer($"standardize{i}_scale", standardize.InverseStd, standardize.InverseStd.Length)]),
            shape);
    }

    private static (string, int[]) QuantizedDense(OnnxGraphBuilder graph, QuantizedDenseLayer dense, string x, int[] shape, int i)
    {
        if (shape.Length != 1 || dense.Inputs != shape[0])
            throw new InvalidOperationException($"Dense layer {i} expects {dense.Inputs} inputs but receives [{Shape(shape)}].");
        return (QuantizedOnnx.Dense(graph, x, dense, i), [dense.Outputs]);
    }

    private static (string, int[]) QuantizedConv(OnnxGraphBuilder graph, QuantizedConv2dLayer conv, string x, int[] shape, int i)
    {
        if (shape.Length != 3 || shape[0] != conv.InChannels)
            throw new InvalidOperationException($"Convolution {i} expects {conv.InChannels} channels but receives [{Shape(shape)}].");
        return (QuantizedOnnx.Conv(graph, x, conv, i),
            [conv.OutChannels, shape[1] + 2 * conv.Padding - conv.KernelSize + 1, shape[2] + 2 * conv.Padding - conv.KernelSize + 1]);
    }

    private static string Shape(int[] shape) => string.Join(", ", shape);

    /// <summary>kernel_shape, strides and (when asked, or when there is any) pads [top, left, bottom, right] of a window.</summary>
    private static AttributeProto[] WindowAttributes(Window2d window, bool pads = true) => pads
        ? [
            OnnxGraphBuilder.Ints("kernel_shape", window.KernelHeight, window.KernelWidth),
            OnnxGraphBuilder.Ints("pads", window.PadTop, window.PadLeft, window.PadBottom, window.PadRight),
            OnnxGraphBuilder.Ints("strides", window.StrideHeight, window.StrideWidth),
        ]
        : [OnnxGraphBuilder.Ints("kernel_shape", window.KernelHeight, window.KernelWidth),
            OnnxGraphBuilder.Ints("strides", window.StrideHeight, window.StrideWidth)];

    /// <summary>The per-row shape after a sliding window; a window that does not fit is an error naming the layer.</summary>
    private static int[] Slide(Window2d window, int[] shape, int channels, string layer)
    {
        var (height, width) = window.Output(shape[1], shape[2]);
        if (height <= 0 || width <= 0)
            throw new InvalidOperationException($"{layer}: a {window} window does not fit [{string.Join(", ", shape)}].");
        return [channels, height, width];
    }

    /// <summary>
    /// GELU from opset-13 operators. Exact: <c>x · ½ · (1 + erf(x / √2))</c>; tanh form (PyTorch's <c>approximate='tanh'</c>):
    /// <c>x · ½ · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))</c>.
    /// </summary>
    private static string Gelu(OnnxGraphBuilder graph, string x, bool tanh, int i)
    {
        string inner;
        if (tanh)
        {
            string cube = graph.AddNode("Mul", [graph.AddNode("Mul", [x, x]), x]);
            string sum = graph.AddNode("Add", [x, graph.AddNode("Mul", [cube, graph.AddInitializer($"gelu{i}_c", [0.044715f])])]);
            inner = graph.AddNode("Tanh", [graph.AddNode("Mul", [sum, graph.AddInitializer($"gelu{i}_k", [(float)Math.Sqrt(2 / Math.PI)])])]);
        }
        else
            inner = graph.AddNode("Erf", [graph.AddNode("Mul", [x, graph.AddInitializer($"gelu{i}_k", [(float)(1 / Math.Sqrt(2))])])]);
        string onePlus = graph.AddNode("Add", [inner, graph.AddInitializer($"gelu{i}_one", [1f])]);
        return graph.AddNode("Mul", [graph.AddNode("Mul", [x, graph.AddInitializer($"gelu{i}_half", [0.5f])]), onePlus]);
    }
}
