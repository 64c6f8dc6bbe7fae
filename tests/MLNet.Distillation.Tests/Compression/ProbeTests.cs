using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Tests.Support;
using Xunit.Abstractions;

namespace MLNet.Distillation.Tests.Compression;

public sealed class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var student = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 3, Seed = 1,
            Student = new CnnStudent { InputShape = [1, 8, 8], ConvChannels = [4], DenseLayers = [16] },
        }).Fit(data);
        foreach (var q in new[] { ml.Distillation.Quantize(student), ml.Distillation.Quantize(student, data) })
        {
            var onnx = q.ToOnnx(OnnxLayout.SingleRow);
            var path = Path.GetTempFileName();
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = path };
            using var session = new InferenceSession(onnx, options);
            var model = MLNet.Distillation.Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            output.WriteLine(q.Architecture + ": " + string.Join(" ", model.Graph.Node.Select(n => n.OpType)));
            var scored = TestData.Column(q.Transform(data), "Score");
            output.WriteLine($"row0 {string.Join(",", scored[0].Take(4))}");
        }
        output.WriteLine("float: " + string.Join(",", TestData.Column(student.Transform(data), "Score")[0].Take(4)));
    }
}
