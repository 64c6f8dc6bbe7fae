using MLNet.Distillation.Onnx.Proto;

namespace MLNet.Distillation;

/// <summary>
/// The output heads of a student's ONNX graph, which its task adds (<see cref="TrainingTask.AddOnnxHead"/>) after the
/// body: the outputs and names each layout promises (see <see cref="StudentOnnxExporter"/>).
/// </summary>
internal static class OnnxHeads
{
    /// <summary>Multiclass: logits, softmax probabilities and the arg-max class index.</summary>
    public static void Multiclass(OnnxGraphBuilder graph, string x, int classCount, OnnxLayout layout)
    {
        if (layout == OnnxLayout.Batch)
        {
            graph.AddNode("Identity", [x], StudentOnnxExporter.LogitsOutput);
            graph.AddNode("Softmax", [x], StudentOnnxExporter.ScoreOutput, OnnxGraphBuilder.Int("axis", 1));
            graph.AddNode("ArgMax", [x], StudentOnnxExporter.PredictedLabelOutput, OnnxGraphBuilder.Int("axis", 1),
                OnnxGraphBuilder.Int("keepdims", 0));
            graph.AddOutput(StudentOnnxExporter.LogitsOutput, TensorProto.Types.DataType.Float, null, classCount);
            graph.AddOutput(StudentOnnxExporter.ScoreOutput, TensorProto.Types.DataType.Float, null, classCount);
            graph.AddOutput(StudentOnnxExporter.PredictedLabelOutput, TensorProto.Types.DataType.Int64, [null]);
        }
        else
        {
            string probabilities = graph.AddNode("Softmax", [x], null, OnnxGraphBuilder.Int("axis", 1));
            string flat = graph.AddInt64Initializer("score_shape", [classCount]);
            graph.AddNode("Reshape", [probabilities, flat], StudentOnnxExporter.ScoreOutput);
            string index = graph.AddNode("ArgMax", [x], null, OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
            graph.AddNode("Identity", [index], StudentOnnxExporter.PredictedLabelOutput);
            graph.AddOutput(StudentOnnxExporter.ScoreOutput, TensorProto.Types.DataType.Float, classCount);
            graph.AddOutput(StudentOnnxExporter.PredictedLabelOutput, TensorProto.Types.DataType.Int64, 1);
        }
    }

    /// <summary>Binary (logit, probability, label) and regression (prediction) heads over a [N, 1] output.</summary>
    /// <param name="graph">The graph being built.</param>
    /// <param name="x">The network's output.</param>
    /// <param name="binary">Whether to add the binary columns (Probability, PredictedLabel) after Score.</param>
    /// <param name="layout">Batch or single-row layout.</param>
    public static void SingleOutput(OnnxGraphBuilder graph, string x, bool binary, OnnxLayout layout)
    {
        // Reshape to one value per row: [N] in the batch layout, [1] for ML.NET (a 0-d output is a scalar ML.NET cannot read).
        string flat = graph.AddInt64Initializer("score_shape", [layout == OnnxLayout.Batch ? -1 : 1]);
        if (layout == OnnxLayout.SingleRow)
        {
            graph.AddNode("Reshape", [x, flat], StudentOnnxExporter.ScoreOutput);
            graph.AddOutput(StudentOnnxExporter.ScoreOutput, TensorProto.Types.DataType.Float, 1);
            return;
        }
        graph.AddNode("Identity", [x], StudentOnnxExporter.LogitsOutput);
        graph.AddOutput(StudentOnnxExporter.LogitsOutput, TensorProto.Types.DataType.Float, null, 1);
        string score = graph.AddNode("Reshape", [x, flat], StudentOnnxExporter.ScoreOutput);
        graph.AddOutput(StudentOnnxExporter.ScoreOutput, TensorProto.Types.DataType.Float, [null]);
        if (!binary)
            return;
        graph.AddNode("Sigmoid", [score], StudentOnnxExporter.ProbabilityOutput);
        graph.AddOutput(StudentOnnxExporter.ProbabilityOutput, TensorProto.Types.DataType.Float, [null]);
        string zero = graph.AddInitializer("threshold", [0f]);
        graph.AddNode("Greater", [score, zero], StudentOnnxExporter.PredictedLabelOutput);
        graph.AddOutput(StudentOnnxExporter.PredictedLabelOutput, TensorProto.Types.DataType.Bool, [null]);
    }
}
