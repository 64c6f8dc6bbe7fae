using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// The safety net behind custom students: runs a probe batch through the TorchSharp module (eval mode) and through the
/// ONNX graph written from its walked layers (ONNX Runtime), and throws when they differ by more than float rounding.
/// A difference means the layers read from the module are not what its forward computes (an order the walk could not see,
/// a hook, a layer whose behaviour its type does not tell), so the exported student would score silently wrong.
/// </summary>
internal static class ExportProbe
{
    /// <summary>Absolute (scaled by 1 + the largest |output|) and relative tolerance.</summary>
    public const double Tolerance = 1e-4;

    public static void Verify(StudentNetwork network, IReadOnlyList<StudentLayer> layers, Tensor probe, int outputCount, string when)
    {
        int rows = (int)probe.shape[0], inputSize = (int)probe.shape[1];
        float[] expected;
        bool wasTraining = network.training;
        network.eval();
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var output = network.forward(probe);
            if (output.dim() != 2 || output.shape[0] != rows || output.shape[1] != outputCount)
                throw new InvalidOperationException(
                    $"The student module returns [{string.Join(", ", output.shape)}] for a batch of {rows} rows; " +
                    $"the trainer needs [{rows}, {outputCount}] " +
                    "(one logit per class, or one value per row for binary classification and regression).");
            expected = output.cpu().to_type(ScalarType.Float32).data<float>().ToArray();
        }
        if (wasTraining)
            network.train();

        // Only the raw Logits are compared, so any task whose head takes the module's width will do.
        var task = TrainingTask.All.First(t => t.HeadTakes(outputCount));
        var model = new StudentModel(task.Kind, layers, "probe", "Features", inputSize, outputCount, null);
        using var session = new InferenceSession(StudentOnnxExporter.Export(model, OnnxLayout.Batch));
        var input = probe.cpu().to_type(ScalarType.Float32).data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(input, [rows, inputSize]);
        using var outputs = session.Run(new RunOptions(), ["Features"], [value], [StudentOnnxExporter.LogitsOutput]);
        var actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        double scale = 1 + expected.Where(float.IsFinite).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]) && float.IsNaN(actual[i]))
                continue;
            double difference = Math.Abs((double)expected[i] - actual[i]);
            if (!(difference <= Tolerance * scale + Tolerance * Math.Abs(expected[i])))
                throw new InvalidOperationException($"{when}, the exported student differs from the TorchSharp module on a probe batch " +
                    $"(row {i / outputCount}, output {i % outputCount}: TorchSharp {expected[i]:R}, ONNX {actual[i]:R}). The layers read from the module " +
                    "are not what its forward computes; build the student from nn.Sequential and the supported layers, without hooks.");
        }
    }
}
