using MLNet.Distillation.Onnx.Proto;
using MLNet.Distillation.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Writes a trained student as an ONNX model (opset 13). The body is the network's layers; the head depends on the task.
/// Two layouts:
/// <list type="bullet">
/// <item><see cref="OnnxLayout.Batch"/>: input [N, F]; outputs <c>Logits</c> [N, K] (the network's raw output: class logits,
/// the binary logit, or the regression prediction in the label's units) and the task's columns: multiclass <c>Score</c>
/// [N, K] (softmax) and <c>PredictedLabel</c> [N] (int64 class index); binary <c>Score</c> [N] (logit), <c>Probability</c>
/// [N] and <c>PredictedLabel</c> [N] (bool); regression <c>Score</c> [N]. For ONNX Runtime, other runtimes, and for using
/// the student as a teacher (which reads <c>Logits</c>).</item>
/// <item><see cref="OnnxLayout.SingleRow"/>: input [1, F]; output <c>Score</c> [K] (multiclass probabilities, with a scalar
/// <c>PredictedLabel</c>) or [1] (binary logit, regression prediction). ML.NET's OnnxTransformer scores one row at a time
/// and maps these to vector columns, which the runtime's mapping stages turn into ML.NET's scalar columns.</item>
/// </list>
/// </summary>
internal static class StudentOnnxExporter
{
    public const string LogitsOutput = "Logits";

    /// <summary>
    /// The metadata entry holding the student's trainable parameter count as the trainer counted it: the graph's initializers
    /// also hold constants (shapes, a threshold) and folded forms, so a model reloaded from a file reads its count here.
    /// </summary>
    public const string ParametersMetadataKey = "parameters";
    public const string ScoreOutput = "Score";
    public const string ProbabilityOutput = "Probability";
    public const string PredictedLabelOutput = "PredictedLabel";

    public static byte[] Export(StudentModel model, OnnxLayout layout, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var (layers, inputSize, outputCount, inputName) = (model.Layers, model.InputSize, model.OutputCount, model.FeatureColumnName);
        var graph = new OnnxGraphBuilder("student");
        long? batch = layout == OnnxLayout.SingleRow ? 1 : null;
        string x;
        // The per-row shape flowing through the graph, checked at every layer so a malformed network fails here, not in ONNX Runtime.
        int[] shape;
        int firstLayer = 0;
        if (model.SparsePairs is int pairs)
        {
            if (layers.Count == 0 || layers[0] is not SparseInputLayer sparse || sparse.Inputs != inputSize)
                throw new InvalidOperationException("A student that reads sparse rows must start with a sparse input layer as wide as its features.");
            x = SparseInput(graph, sparse, layout, pairs);
            shape = [sparse.Outputs];
            firstLayer = 1;
        }
        else
        {
            x = graph.AddInput(inputName, batch, inputSize);
            shape = [inputSize];
        }
        for (int i = firstLayer; i < layers.Count; i++)
        {
            switch (layers[i])
            {
                case DenseLayer dense:
                    if (shape.Length != 1 || dense.Inputs != shape[0])
                        throw new InvalidOperationException($"Dense layer {i} expects {dense.Inputs} inputs but receives [{string.Join(", ", shape)}].");
                    string w = graph.AddInitializer($"dense{i}_weight", dense.Weight, dense.Outputs, dense.Inputs);
                    string b = graph.AddInitializer($"dense{i}_bias", dense.Bias, dense.Outputs);
                    // Gemm with transB=1 consumes the [out, in] layout TorchSharp's Linear stores, without a transpose node.
                    x = graph.AddNode("Gemm", [x, w, b], null, OnnxGraphBuilder.Int("transB", 1));
                    shape = [dense.Outputs];
                    break;
                case ReluLayer relu:
                    x = graph.AddNode("Relu", [x], relu.OutputName);
                    break;
                case ReshapeLayer reshape:
                    // -1 keeps the batch dimension whatever it is; the single-row layout has it fixed at 1 anyway.
                    string target = graph.AddInt64Initializer($"reshape{i}_shape", [-1, .. reshape.Shape.Select(d => (long)d)]);
                    if (reshape.Shape.Aggregate(1, (a, b) => a * b) != shape.Aggregate(1, (a, b) => a * b))
                        throw new InvalidOperationException($"Reshape layer {i} cannot turn [{string.Join(", ", shape)}] into [{string.Join(", ", reshape.Shape)}].");
                    x = graph.AddNode("Reshape", [x, target]);
                    shape = reshape.Shape;
                    break;
                case Conv2dLayer conv:
                {
                    var window = conv.Window;
                    if (shape.Length != 3 || shape[0] != conv.InChannels)
                        throw new InvalidOperationException($"Convolution {i} expects {conv.InChannels} channels but receives [{string.Join(", ", shape)}].");
                    if (conv.Groups < 1 || conv.InChannels % conv.Groups != 0 || conv.OutChannels % conv.Groups != 0
                        || conv.Weight.Length != conv.OutChannels * (conv.InChannels / conv.Groups) * window.KernelHeight * window.KernelWidth)
                        throw new InvalidOperationException($"Convolution {i} has {conv.Weight.Length} weights, which do not fit {conv.InChannels}→{conv.OutChannels} channels in {conv.Groups} groups with a {window} kernel.");
                    string cw = graph.AddInitializer($"conv{i}_weight", conv.Weight, conv.OutChannels, conv.InChannels / conv.Groups, window.KernelHeight, window.KernelWidth);
                    string cb = graph.AddInitializer($"conv{i}_bias", conv.Bias, conv.OutChannels);
                    var attributes = WindowAttributes(window).ToList();
                    if (window.DilationHeight != 1 || window.DilationWidth != 1)
                        attributes.Add(OnnxGraphBuilder.Ints("dilations", window.DilationHeight, window.DilationWidth));
                    if (conv.Groups != 1)
                        attributes.Add(OnnxGraphBuilder.Int("group", conv.Groups));
                    x = graph.AddNode("Conv", [x, cw, cb], null, [.. attributes]);
                    shape = Slide(window, shape, conv.OutChannels, $"Convolution {i}");
                    break;
                }
                case MaxPool2dLayer pool:
                    if (shape.Length != 3)
                        throw new InvalidOperationException($"Max pooling {i} needs [channels, height, width] but receives [{string.Join(", ", shape)}].");
                    x = graph.AddNode("MaxPool", [x], pool.OutputName, WindowAttributes(pool.Window, pads: pool.Window.PadTop + pool.Window.PadLeft + pool.Window.PadBottom + pool.Window.PadRight > 0));
                    shape = Slide(pool.Window, shape, shape[0], $"Max pooling {i}");
                    break;
                case AvgPool2dLayer pool:
                    if (shape.Length != 3)
                        throw new InvalidOperationException($"Average pooling {i} needs [channels, height, width] but receives [{string.Join(", ", shape)}].");
                    x = graph.AddNode("AveragePool", [x], null,
                        [.. WindowAttributes(pool.Window), OnnxGraphBuilder.Int("count_include_pad", pool.CountIncludePad ? 1 : 0)]);
                    shape = Slide(pool.Window, shape, shape[0], $"Average pooling {i}");
                    break;
                case AffineLayer affine:
                {
                    if (affine.Scale.Length != shape[0] || affine.Shift.Length != shape[0])
                        throw new InvalidOperationException($"Affine layer {i} has {affine.Scale.Length} channels but receives [{string.Join(", ", shape)}].");
                    // [C] broadcasts over a row's features; [C, 1, 1] over each channel of an image.
                    long[] dims = shape.Length == 1 ? [shape[0]] : [shape[0], .. Enumerable.Repeat(1L, shape.Length - 1)];
                    x = graph.AddNode("Mul", [x, graph.AddInitializer($"affine{i}_scale", affine.Scale, dims)]);
                    x = graph.AddNode("Add", [x, graph.AddInitializer($"affine{i}_shift", affine.Shift, dims)]);
                    break;
                }
                case LeakyReluLayer leaky:
                    x = graph.AddNode("LeakyRelu", [x], null, OnnxGraphBuilder.Float("alpha", leaky.Slope));
                    break;
                case TanhLayer:
                    x = graph.AddNode("Tanh", [x]);
                    break;
                case SigmoidLayer:
                    x = graph.AddNode("Sigmoid", [x]);
                    break;
                case GeluLayer gelu:
                    x = Gelu(graph, x, gelu.TanhApproximation, i);
                    break;
                case StandardizeLayer standardize:
                    if (shape.Length != 1 || standardize.Mean.Length != shape[0])
                        throw new InvalidOperationException($"Standardisation layer {i} has {standardize.Mean.Length} columns but receives [{string.Join(", ", shape)}].");
                    x = graph.AddNode("Sub", [x, graph.AddInitializer($"standardize{i}_mean", standardize.Mean, standardize.Mean.Length)]);
                    x = graph.AddNode("Mul", [x, graph.AddInitializer($"standardize{i}_scale", standardize.InverseStd, standardize.InverseStd.Length)]);
                    break;
                case QuantizedDenseLayer dense:
                    if (shape.Length != 1 || dense.Inputs != shape[0])
                        throw new InvalidOperationException($"Dense layer {i} expects {dense.Inputs} inputs but receives [{string.Join(", ", shape)}].");
                    x = QuantizedOnnx.Dense(graph, x, dense, i);
                    shape = [dense.Outputs];
                    break;
                case QuantizedConv2dLayer conv:
                    if (shape.Length != 3 || shape[0] != conv.InChannels)
                        throw new InvalidOperationException($"Convolution {i} expects {conv.InChannels} channels but receives [{string.Join(", ", shape)}].");
                    x = QuantizedOnnx.Conv(graph, x, conv, i);
                    shape = [conv.OutChannels, shape[1] + 2 * conv.Padding - conv.KernelSize + 1, shape[2] + 2 * conv.Padding - conv.KernelSize + 1];
                    break;
                case QuantizeDequantizeLayer qdq:
                    x = QuantizedOnnx.QuantizeDequantize(graph, x, qdq.Parameters, i);
                    break;
                case FlattenLayer:
                    x = graph.AddNode("Flatten", [x], null, OnnxGraphBuilder.Int("axis", 1));
                    shape = [shape.Aggregate(1, (a, b) => a * b)];
                    break;
                default:
                    throw new NotSupportedException($"ONNX export has no rule for layer {layers[i].GetType().Name}.");
            }
        }
        if (shape.Length != 1 || shape[0] != outputCount)
            throw new InvalidOperationException($"The network ends with [{string.Join(", ", shape)}] outputs but the student needs {outputCount} " +
                (model.Task == DistillationTask.MulticlassClassification ? $"(the label has {outputCount} classes)." : "(one per row)."));

        switch (model.Task)
        {
            case DistillationTask.MulticlassClassification:
                MulticlassHead(graph, x, outputCount, layout);
                break;
            case DistillationTask.BinaryClassification:
            case DistillationTask.Regression:
                if (outputCount != 1)
                    throw new InvalidOperationException($"A {model.Task} student has one output per row, not {outputCount}.");
                SingleOutputHead(graph, x, model.Task, layout);
                break;
            default:
                throw new NotSupportedException($"ONNX export has no output head for task {model.Task}.");
        }
        return graph.ToModelBytes("Student network trained by MLNet.Distillation.", metadata);
    }

    /// <summary>
    /// The inputs and first layer of a student that reads sparse rows. Inputs are (slot, value) pairs, never the dense
    /// vector: <see cref="SparseFeaturePairs.SlotsColumn"/> (int64) and <see cref="SparseFeaturePairs.ValuesColumn"/>
    /// (float), [N, M] in the batch layout (pad a short row with value 0), and in the single-row layout [1, capacity] with
    /// <see cref="SparseFeaturePairs.CountColumn"/> [1] saying how many pairs are the row's (the rest is not read). The layer:
    /// gather the table rows of the slots, [N, M, out]; weight them by the values ([N, 1, M] · [N, M, out]); add the bias.
    /// </summary>
    private static string SparseInput(OnnxGraphBuilder graph, SparseInputLayer sparse, OnnxLayout layout, int pairs)
    {
        string slots, values;
        if (layout == OnnxLayout.SingleRow)
        {
            slots = graph.AddInput(SparseFeaturePairs.SlotsColumn, TensorProto.Types.DataType.Int64, 1, pairs);
            values = graph.AddInput(SparseFeaturePairs.ValuesColumn, TensorProto.Types.DataType.Float, 1, pairs);
            string count = graph.AddInput(SparseFeaturePairs.CountColumn, TensorProto.Types.DataType.Int64, 1);
            string start = graph.AddInt64Initializer("sparse_start", [0]);
            string axis = graph.AddInt64Initializer("sparse_axis", [1]);
            slots = graph.AddNode("Slice", [slots, start, count, axis]);
            values = graph.AddNode("Slice", [values, start, count, axis]);
        }
        else
        {
            slots = graph.AddInput(SparseFeaturePairs.SlotsColumn, TensorProto.Types.DataType.Int64, null, null);
            values = graph.AddInput(SparseFeaturePairs.ValuesColumn, TensorProto.Types.DataType.Float, null, null);
        }
        if (sparse.AverageValues)
        {
            // fastText's mean: each row's values over their absolute sum (floored so an empty row stays zeros).
            string sums = graph.AddNode("ReduceSum", [graph.AddNode("Abs", [values]), graph.AddInt64Initializer("sparse_sum_axis", [1])], null,
                OnnxGraphBuilder.Int("keepdims", 1));
            values = graph.AddNode("Div", [values, graph.AddNode("Max", [sums, graph.AddInitializer("sparse_floor", [1e-12f])])]);
        }
        string table = graph.AddInitializer("sparse_weight", sparse.Weight, sparse.Inputs, sparse.Outputs);
        string rows = graph.AddNode("Gather", [table, slots], null, OnnxGraphBuilder.Int("axis", 0));
        string weights = graph.AddNode("Unsqueeze", [values, graph.AddInt64Initializer("sparse_unsqueeze", [1])]);
        string product = graph.AddNode("MatMul", [weights, rows]);
        string name = sparse.TapNames.FirstOrDefault() is { } tap && sparse.Bias.All(b => b == 0) ? tap : null!;
        string output = graph.AddNode("Squeeze", [product, graph.AddInt64Initializer("sparse_squeeze", [1])], name);
        if (sparse.Bias.All(b => b == 0))
            return output;
        return graph.AddNode("Add", [output, graph.AddInitializer("sparse_bias", sparse.Bias, sparse.Outputs)], sparse.TapNames.FirstOrDefault());
    }

    /// <summary>kernel_shape, strides and (when asked, or when there is any) pads [top, left, bottom, right] of a window.</summary>
    private static AttributeProto[] WindowAttributes(Window2d window, bool pads = true) => pads
        ? [
            OnnxGraphBuilder.Ints("kernel_shape", window.KernelHeight, window.KernelWidth),
            OnnxGraphBuilder.Ints("pads", window.PadTop, window.PadLeft, window.PadBottom, window.PadRight),
            OnnxGraphBuilder.Ints("strides", window.StrideHeight, window.StrideWidth),
        ]
        : [OnnxGraphBuilder.Ints("kernel_shape", window.KernelHeight, window.KernelWidth), OnnxGraphBuilder.Ints("strides", window.StrideHeight, window.StrideWidth)];

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

    private static void MulticlassHead(OnnxGraphBuilder graph, string x, int classCount, OnnxLayout layout)
    {
        if (layout == OnnxLayout.Batch)
        {
            graph.AddNode("Identity", [x], LogitsOutput);
            graph.AddNode("Softmax", [x], ScoreOutput, OnnxGraphBuilder.Int("axis", 1));
            graph.AddNode("ArgMax", [x], PredictedLabelOutput, OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
            graph.AddOutput(LogitsOutput, TensorProto.Types.DataType.Float, null, classCount);
            graph.AddOutput(ScoreOutput, TensorProto.Types.DataType.Float, null, classCount);
            graph.AddOutput(PredictedLabelOutput, TensorProto.Types.DataType.Int64, [null]);
        }
        else
        {
            string probabilities = graph.AddNode("Softmax", [x], null, OnnxGraphBuilder.Int("axis", 1));
            string flat = graph.AddInt64Initializer("score_shape", [classCount]);
            graph.AddNode("Reshape", [probabilities, flat], ScoreOutput);
            string index = graph.AddNode("ArgMax", [x], null, OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
            graph.AddNode("Identity", [index], PredictedLabelOutput);
            graph.AddOutput(ScoreOutput, TensorProto.Types.DataType.Float, classCount);
            graph.AddOutput(PredictedLabelOutput, TensorProto.Types.DataType.Int64, 1);
        }
    }

    /// <summary>Binary (logit, probability, label) and regression (prediction) heads over a [N, 1] output.</summary>
    private static void SingleOutputHead(OnnxGraphBuilder graph, string x, DistillationTask task, OnnxLayout layout)
    {
        // Reshape to one value per row: [N] in the batch layout, [1] for ML.NET (a 0-d output is a scalar ML.NET cannot read).
        string flat = graph.AddInt64Initializer("score_shape", [layout == OnnxLayout.Batch ? -1 : 1]);
        if (layout == OnnxLayout.SingleRow)
        {
            graph.AddNode("Reshape", [x, flat], ScoreOutput);
            graph.AddOutput(ScoreOutput, TensorProto.Types.DataType.Float, 1);
            return;
        }
        graph.AddNode("Identity", [x], LogitsOutput);
        graph.AddOutput(LogitsOutput, TensorProto.Types.DataType.Float, null, 1);
        string score = graph.AddNode("Reshape", [x, flat], ScoreOutput);
        graph.AddOutput(ScoreOutput, TensorProto.Types.DataType.Float, [null]);
        if (task != DistillationTask.BinaryClassification)
            return;
        graph.AddNode("Sigmoid", [score], ProbabilityOutput);
        graph.AddOutput(ProbabilityOutput, TensorProto.Types.DataType.Float, [null]);
        string zero = graph.AddInitializer("threshold", [0f]);
        graph.AddNode("Greater", [score, zero], PredictedLabelOutput);
        graph.AddOutput(PredictedLabelOutput, TensorProto.Types.DataType.Bool, [null]);
    }
}
