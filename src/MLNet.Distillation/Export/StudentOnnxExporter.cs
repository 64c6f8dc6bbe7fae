using MLNet.Distillation.Export.Onnx;
using MLNet.Distillation.Export.Onnx.Proto;
using MLNet.Distillation.Students;

namespace MLNet.Distillation.Export;

/// <summary>
/// Writes a trained student as an ONNX model. Two layouts:
/// <list type="bullet">
/// <item><see cref="OnnxLayout.Batch"/>: input [N, F]; outputs <c>Logits</c> [N, K], <c>Score</c> [N, K] (softmax) and
/// <c>PredictedLabel</c> [N] (int64 class index). For ONNX Runtime, other runtimes, and for using the student as a teacher.</item>
/// <item><see cref="OnnxLayout.SingleRow"/>: input [1, F]; outputs <c>Score</c> [K] and a scalar <c>PredictedLabel</c>.
/// ML.NET's OnnxTransformer scores one row at a time and maps these shapes to a K-vector column and a scalar
/// column, which is exactly the layout of ML.NET's own multiclass scorers.</item>
/// </list>
/// </summary>
internal static class StudentOnnxExporter
{
    public const string LogitsOutput = "Logits";
    public const string ScoreOutput = "Score";
    public const string PredictedLabelOutput = "PredictedLabel";

    public static byte[] Export(IReadOnlyList<StudentLayer> layers, int inputSize, int classCount, string inputName,
        OnnxLayout layout, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var graph = new OnnxGraphBuilder("student");
        long? batch = layout == OnnxLayout.SingleRow ? 1 : null;
        string x = graph.AddInput(inputName, batch, inputSize);

        int width = inputSize;
        for (int i = 0; i < layers.Count; i++)
        {
            switch (layers[i])
            {
                case DenseLayer dense:
                    if (dense.Inputs != width)
                        throw new InvalidOperationException($"Layer {i} expects {dense.Inputs} inputs but receives {width}.");
                    string w = graph.AddInitializer($"dense{i}_weight", dense.Weight, dense.Outputs, dense.Inputs);
                    string b = graph.AddInitializer($"dense{i}_bias", dense.Bias, dense.Outputs);
                    // Gemm with transB=1 consumes the [out, in] layout TorchSharp's Linear stores, without a transpose node.
                    x = graph.AddNode("Gemm", [x, w, b], null, OnnxGraphBuilder.Int("transB", 1));
                    width = dense.Outputs;
                    break;
                case ReluLayer:
                    x = graph.AddNode("Relu", [x]);
                    break;
                default:
                    throw new NotSupportedException($"ONNX export has no rule for layer {layers[i].GetType().Name}.");
            }
        }
        if (width != classCount)
            throw new InvalidOperationException($"The network ends with {width} outputs but the label has {classCount} classes.");

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
        return graph.ToModelBytes("Student network trained by MLNet.Distillation.", metadata);
    }
}

/// <summary>Which input/output layout an exported ONNX student has.</summary>
public enum OnnxLayout
{
    /// <summary>Input [N, F]; outputs Logits [N, K], Score [N, K] and PredictedLabel [N] (int64 class index).</summary>
    Batch,

    /// <summary>Input [1, F]; outputs Score [K] and a scalar PredictedLabel: the layout ML.NET's OnnxTransformer scores.</summary>
    SingleRow,
}
