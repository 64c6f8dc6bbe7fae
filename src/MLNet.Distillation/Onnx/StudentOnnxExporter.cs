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
            (x, shape) = OnnxLayerEmitter.Emit(graph, layers[i], x, shape, i);
        var task = TrainingTask.Of(model.Task);
        if (shape.Length != 1 || shape[0] != outputCount)
            throw new InvalidOperationException($"The network ends with [{string.Join(", ", shape)}] outputs but the student needs {outputCount} " +
                $"{task.OutputsMeaning(outputCount)}.");

        task.AddOnnxHead(graph, x, outputCount, layout);
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
}
