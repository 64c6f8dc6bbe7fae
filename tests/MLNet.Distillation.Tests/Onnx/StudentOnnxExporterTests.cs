using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Onnx;

public sealed class StudentOnnxExporterTests
{
    private static (float[] Input, float[] Expected, IReadOnlyList<StudentLayer> Layers) TorchReference(int rows, int features, int[] hidden, int classes)
        => TorchReference(rows, features, new MlpStudent { HiddenLayers = hidden }, classes);

    private static (float[] Input, float[] Expected, IReadOnlyList<StudentLayer> Layers) TorchReference(int rows, int features, StudentArchitecture architecture, int classes)
    {
        random.manual_seed(42);
        using var network = architecture.Build(features, classes);
        network.eval();
        using var x = randn(rows, features);
        using var y = network.forward(x);
        return (x.data<float>().ToArray(), y.data<float>().ToArray(), network.ExportLayers());
    }

    private static StudentModel Multiclass(IReadOnlyList<StudentLayer> layers, int inputSize, int classes)
        => new(DistillationTask.MulticlassClassification, layers, "test network", "Features", inputSize, classes, null);

    [Fact]
    public void Batch_layout_reproduces_the_torchsharp_network_within_1e_5()
    {
        var (input, expected, layers) = TorchReference(rows: 37, features: 20, hidden: [16, 8], classes: 5);
        var bytes = StudentOnnxExporter.Export(Multiclass(layers, 20, 5), OnnxLayout.Batch);
        using var session = new InferenceSession(bytes);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [37, 20]);
        using var outputs = session.Run(new RunOptions(), ["Features"], [value], ["Logits", "Score", "PredictedLabel"]);

        var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var score = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        var predicted = outputs[2].GetTensorDataAsSpan<long>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - logits[i]) <= 1e-5f, $"logit {i}: torch {expected[i]}, onnx {logits[i]}");
        for (int r = 0; r < 37; r++)
        {
            var row = expected.AsSpan(r * 5, 5).ToArray();
            double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
            for (int c = 0; c < 5; c++)
                Assert.True(Math.Abs(Math.Exp(row[c] - max) / sum - score[r * 5 + c]) <= 1e-6, $"score [{r},{c}]");
            Assert.Equal(Array.IndexOf(row, row.Max()), predicted[r]);
        }
    }

    [Fact]
    public void Cnn_export_reproduces_the_torchsharp_network_within_1e_5()
    {
        // Odd sizes (9×7) exercise padding and the floor of 2×2 pooling.
        var cnn = new CnnStudent { InputShape = [2, 9, 7], ConvChannels = [4, 6], DenseLayers = [12], Dropout = 0.5f };
        var (input, expected, layers) = TorchReference(rows: 5, features: 2 * 9 * 7, cnn, classes: 3);
        foreach (var layout in new[] { OnnxLayout.Batch, OnnxLayout.SingleRow })
        {
            using var session = new InferenceSession(StudentOnnxExporter.Export(Multiclass(layers, 126, 3), layout));
            int rows = layout == OnnxLayout.Batch ? 5 : 1;
            using var value = OrtValue.CreateTensorValueFromMemory(input.AsSpan(0, rows * 126).ToArray(), [rows, 126]);
            using var outputs = session.Run(new RunOptions(), ["Features"], [value], [layout == OnnxLayout.Batch ? "Logits" : "Score"]);
            var actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            if (layout == OnnxLayout.Batch)
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"logit {i}: torch {expected[i]}, onnx {actual[i]}");
            else
            {
                double max = expected.Take(3).Max(), sum = expected.Take(3).Sum(v => Math.Exp(v - max));
                for (int c = 0; c < 3; c++)
                    Assert.True(Math.Abs(Math.Exp(expected[c] - max) / sum - actual[c]) <= 1e-6, $"score {c}");
            }
        }
    }

    [Fact]
    public void Malformed_networks_fail_at_export_not_in_onnx_runtime()
    {
        var layers = new StudentLayer[] { new DenseLayer(4, 3, new float[12], new float[3]) };
        Assert.Contains("expects 4 inputs", Assert.Throws<InvalidOperationException>(() => StudentOnnxExporter.Export(Multiclass(layers, 5, 3), OnnxLayout.Batch)).Message);
        Assert.Contains("label has 2 classes", Assert.Throws<InvalidOperationException>(() => StudentOnnxExporter.Export(Multiclass(layers, 4, 2), OnnxLayout.Batch)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CnnStudent { InputShape = [1, 8, 8] }.Build(65, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CnnStudent { InputShape = [1, 2, 2], ConvChannels = [2, 2] }.Build(4, 3));
    }

    [Fact]
    public void Single_row_layout_gives_a_vector_score_for_ml_net()
    {
        var (input, expected, layers) = TorchReference(rows: 1, features: 6, hidden: [4], classes: 3);
        using var session = new InferenceSession(StudentOnnxExporter.Export(Multiclass(layers, 6, 3), OnnxLayout.SingleRow));
        Assert.Equal([1, 6], session.InputMetadata["Features"].Dimensions);
        Assert.Equal([3], session.OutputMetadata["Score"].Dimensions);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 6]);
        using var outputs = session.Run(new RunOptions(), ["Features"], [value], ["Score"]);
        var score = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        double max = expected.Max(), sum = expected.Sum(v => Math.Exp(v - max));
        for (int c = 0; c < 3; c++)
            Assert.True(Math.Abs(Math.Exp(expected[c] - max) / sum - score[c]) <= 1e-6);
    }

    [Fact]
    public void Exported_models_pass_the_onnx_checker()
    {
        if (!OnnxChecker.Available())
            return; // nothing to check with on this machine
        var (_, _, mlp) = TorchReference(rows: 1, features: 16, hidden: [8], classes: 4);
        var (_, _, cnn) = TorchReference(rows: 1, features: 16, new CnnStudent { InputShape = [1, 4, 4], ConvChannels = [2], DenseLayers = [5] }, classes: 4);
        foreach (var (layers, layout) in new[] { (mlp, OnnxLayout.Batch), (mlp, OnnxLayout.SingleRow), (cnn, OnnxLayout.Batch), (cnn, OnnxLayout.SingleRow) })
            OnnxChecker.Check(StudentOnnxExporter.Export(Multiclass(layers, 16, 4), layout), layout.ToString());
    }
}
