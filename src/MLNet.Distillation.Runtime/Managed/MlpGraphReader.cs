using System.Runtime.InteropServices;
using MLNet.Distillation.Onnx.Proto;

namespace MLNet.Distillation.Runtime;

/// <summary>
/// Turns an exported MLP student's ONNX graph into <see cref="MlpStudentPredictor"/>'s steps: the body from the input to
/// the <c>Logits</c> output (standardisation, dense layers, ReLU), each operator checked for the form the trainer writes.
/// The task's head (softmax, arg-max, sigmoid, threshold) is not read: the predictor computes it from the logits, and
/// the task is told by the outputs, each <see cref="RuntimeTask"/> asked in turn whether they are its own
/// (<c>Probability</c>: binary; <c>PredictedLabel</c> without it: multiclass; neither: regression).
/// </summary>
internal static class MlpGraphReader
{
    private const string Logits = "Logits";
    // Operators of the head that the predictor computes itself, from the logits.
    private static readonly HashSet<string> HeadOperators = ["Softmax", "ArgMax", "Sigmoid", "Greater"];

    // Operators of int8-quantized graphs (mlContext.Distillation.Quantize writes the first five).
    private static readonly HashSet<string> QuantizedOperators =
        ["DynamicQuantizeLinear", "MatMulInteger", "ConvInteger", "QuantizeLinear", "DequantizeLinear", "QLinearMatMul", "QLinearConv"];

    public static MlpStudentPredictor Read(GraphProto graph)
    {
        var (input, features) = CheckSupported(graph);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        if (!outputs.Contains(Logits))
            throw new InvalidDataException($"The model has no '{Logits}' output: read the file StudentTransformer.SaveOnnx writes in its default (batch) layout.");
        var task = RuntimeTask.Writing(outputs);

        var walk = new GraphWalk(graph, input, features);
        foreach (var node in graph.Node)
            walk.Visit(node);
        if (!walk.Values.TryGetValue(Logits, out int logits))
            throw new InvalidDataException($"No node writes the '{Logits}' output.");
        if (task.HasOneLogit && walk.Sizes[logits] != 1)
            throw new InvalidDataException($"A {task.Kind} student has one output; '{Logits}' has {walk.Sizes[logits]}.");
        return MlpStudentPredictor.Create([.. walk.Steps], [.. walk.Sizes], logits, task, input);
    }

    /// <summary>
    /// Refuses, by name and up front, what the predictor does not run (an int8 graph, sparse or several inputs, an input
    /// that is not [rows, features]); returns the input's name and width.
    /// </summary>
    private static (string Input, int Features) CheckSupported(GraphProto graph)
    {
        // The predictor reads float weights only, and must not half-read an integer graph.
        if (graph.Node.FirstOrDefault(n => QuantizedOperators.Contains(n.OpType)) is { } quantized)
            throw new InvalidDataException($"This is an int8-quantized student (operator '{quantized.OpType}', node '{quantized.Name}'): MlpStudentPredictor " +
                "runs float MLP graphs only. Score the quantized student with PredictionEngine or ONNX Runtime, or give the predictor the float student's file.");
        if (graph.Initializer.FirstOrDefault(t => t.DataType is (int)TensorProto.Types.DataType.Int8 or (int)TensorProto.Types.DataType.Uint8)
            is { } integer)
            throw new InvalidDataException($"The constant '{integer.Name}' holds 8-bit integers (a quantized model): MlpStudentPredictor runs float MLP graphs only.");
        if (graph.Input.Count != 1)
        {
            string names = string.Join(", ", graph.Input.Select(i => $"'{i.Name}'"));
            // A sparse student's inputs are a row's (slot, value) pairs: int64 slots beside float values.
            throw new InvalidDataException(graph.Input.Any(i => i.Type?.TensorType?.ElemType == (int)TensorProto.Types.DataType.Int64)
                ? $"This student reads sparse rows (its inputs {names} are a row's slot and value pairs): MlpStudentPredictor runs MLP graphs " +
                  "over dense [rows, features] inputs only. Score it with its ML.NET model (PredictionEngine) or with ONNX Runtime on the exported file."
                : $"An MLP student has one input; this model has {graph.Input.Count} ({names}).");
        }
        var input = graph.Input[0];
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count != 2 || dims[1].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
            throw new InvalidDataException($"The input '{input.Name}' is not [rows, features].");
        return (input.Name, checked((int)dims[1].DimValue));
    }

    /// <summary>The graph read node by node into the predictor's steps: which buffer holds each tensor, and each buffer's size.</summary>
    private sealed class GraphWalk(GraphProto graph, string input, int features)
    {
        private readonly Dictionary<string, TensorProto> _constants = graph.Initializer.ToDictionary(t => t.Name);

        public Dictionary<string, int> Values { get; } = new() { [input] = 0 };

        public List<int> Sizes { get; } = [features];

        public List<MlpStudentPredictor.Step> Steps { get; } = [];

        public void Visit(NodeProto node)
        {
            switch (node.OpType)
            {
                case "Gemm":
                    Dense(node);
                    break;
                case "Relu":
                {
                    int x = Value(node, node.Input[0]);
                    Steps.Add(new MlpStudentPredictor.Relu(x, NewValue(node.Output[0], Sizes[x])));
                    break;
                }
                case "Sub" or "Mul" or "Add":
                {
                    int x = Value(node, node.Input[0]);
                    var constant = Constant(node, node.Input[1]);
                    if (constant.Length != Sizes[x])
                        throw new InvalidDataException($"{node.OpType} node '{node.Name}': its constant has {constant.Length} values for {Sizes[x]} inputs.");
                    Steps.Add(new MlpStudentPredictor.WithConstant(x, NewValue(node.Output[0], Sizes[x]), constant, node.OpType));
                    break;
                }
                case "Identity" or "Reshape" or "Flatten":
                    // One row at a time, shapes are only views: the output is the input's buffer.
                    Values[node.Output[0]] = Value(node, node.Input[0]);
                    break;
                case var op when HeadOperators.Contains(op):
                    break;
                default:
                    throw new InvalidDataException($"Operator '{node.OpType}' (node '{node.Name}') is not part of an MLP student: MlpStudentPredictor runs " +
                        "dense layers, ReLU and standardisation. Score this model with PredictionEngine or ONNX Runtime.");
            }
        }

        /// <summary>A Gemm node as the trainer writes a dense layer: y = x·Wᵀ + b with a constant weight and bias.</summary>
        private void Dense(NodeProto node)
        {
            if (Attribute(node, "transA", 0) != 0 || Attribute(node, "transB", 0) != 1 || FloatAttribute(node, "alpha", 1) != 1
                || FloatAttribute(node, "beta", 1) != 1)
                throw new InvalidDataException($"Gemm node '{node.Name}' is not y = x·Wᵀ + b (transB = 1, alpha = beta = 1), the dense layer the trainer writes.");
            int x = Value(node, node.Input[0]);
            var weightTensor = _constants.GetValueOrDefault(node.Input[1]);
            if (weightTensor is null || weightTensor.Dims.Count != 2 || weightTensor.Dims[1] != Sizes[x])
                throw new InvalidDataException($"Gemm node '{node.Name}': its weight '{node.Input[1]}' is not a constant [outputs, {Sizes[x]}].");
            int outputsCount = checked((int)weightTensor.Dims[0]);
            var bias = node.Input.Count > 2 ? Constant(node, node.Input[2]) : new float[outputsCount];
            if (bias.Length != outputsCount)
                throw new InvalidDataException($"Gemm node '{node.Name}': its bias has {bias.Length} values for {outputsCount} outputs.");
            int y = NewValue(node.Output[0], outputsCount);
            Steps.Add(new MlpStudentPredictor.Dense(x, y, Floats(weightTensor), bias, Sizes[x]));
        }

        private int NewValue(string name, int size)
        {
            Values[name] = Sizes.Count;
            Sizes.Add(size);
            return Sizes.Count - 1;
        }

        private int Value(NodeProto node, string name) => Values.TryGetValue(name, out int index) ? index
            : throw new InvalidDataException($"Node '{node.Name}' ({node.OpType}) reads '{name}', which no earlier node writes.");

        private float[] Constant(NodeProto node, string name) => _constants.TryGetValue(name, out var tensor) ? Floats(tensor)
            : throw new InvalidDataException($"Node '{node.Name}' ({node.OpType}) expects a constant '{name}', which the model does not hold.");
    }

    private static long Attribute(NodeProto node, string name, long fallback)
        => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static float FloatAttribute(NodeProto node, string name, float fallback)
        => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    /// <summary>A float tensor's values, from <c>raw_data</c> (little-endian, as ONNX specifies) or <c>float_data</c>.</summary>
    private static float[] Floats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"The constant '{tensor.Name}' is not float32.");
        long count = tensor.Dims.Aggregate(1L, (a, b) => a * b);
        float[] values = tensor.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : [.. tensor.FloatData];
        if (values.Length != count)
            throw new InvalidDataException($"The constant '{tensor.Name}' holds {values.Length} values for its shape [{string.Join(", ", tensor.Dims)}].");
        return values;
    }
}
