using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers;

public sealed class ModelExtensionsTests
{
    [Fact]
    public void Student_drops_teacher_stages_at_any_depth_and_keeps_the_rest()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 200);
        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.TeacherScore(teacher))
            .Append(ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { NumberOfEpochs = 2, Seed = 1 }))
            .Fit(data);

        var student = Assert.IsType<TransformerChain<ITransformer>>(model.Student());
        Assert.DoesNotContain(student, t => t is TeacherScoringTransformer);
        Assert.Equal(2, student.Count());
        Assert.IsType<StudentTransformer>(student.Last());
        Assert.Null(student.Transform(data).Schema.GetColumnOrNull(DefaultColumnNames.TeacherLogits));
        Assert.Equal(TestData.Column(model.Transform(data), "Score"), TestData.Column(student.Transform(data), "Score"));

        var nested = new TransformerChain<ITransformer>(model, new TransformerChain<ITransformer>(model.First()));
        Assert.DoesNotContain(((IEnumerable<ITransformer>)nested.Student()).SelectMany(t => t as IEnumerable<ITransformer> ?? [t]), t => t is TeacherScoringTransformer);
        // For single rows a teacher stage passes rows through; its column is declared but reading it says what to do.
        var engine = ml.Model.CreatePredictionEngine<Input, Output>(model.Skip(1).First());
        var row = new Input { Features = new float[64] };
        Assert.Contains("model.Student()", Assert.Throws<NotSupportedException>(() => engine.Predict(row)).Message);
    }

    [Fact]
    public void Student_onnx_file_is_written_whole_or_not_at_all()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var student = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { TeacherColumnName = null, NumberOfEpochs = 1, Seed = 1 }).Fit(data);
        var folder = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var path = Path.Combine(folder, "student.onnx");
            student.SaveOnnx(path);
            Assert.Equal(student.ToOnnx(), File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(folder)); // no temporary file left behind
            Assert.Throws<DirectoryNotFoundException>(() => student.SaveOnnx(Path.Combine(folder, "missing", "student.onnx")));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void Prediction_runtime_assembly_needs_no_torchsharp()
    {
        var runtime = typeof(PredictedLabelMapping).Assembly;
        Assert.Equal("MLNet.Distillation.Runtime", runtime.GetName().Name);
        Assert.DoesNotContain(runtime.GetReferencedAssemblies(), a => a.Name!.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.DoesNotContain(runtime.GetReferencedAssemblies(), a => a.Name == "MLNet.Distillation");
    }

    private sealed class Input
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public float[] TeacherLogits { get; set; } = [];
    }
}
