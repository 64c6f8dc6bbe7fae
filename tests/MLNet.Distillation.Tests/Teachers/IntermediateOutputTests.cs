using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers;

public sealed class IntermediateOutputTests
{
    private const string ReluTensor = "/Relu_output_0"; // relu(conv(image)) inside tiny_cnn_teacher.onnx: a node output, not a graph output

    private static TeacherScoringEstimator.Options Options(Teacher teacher, string? cache = null) => new()
    {
        Teacher = teacher, CacheDirectory = cache, BatchSize = 7, // 7: blocks that do not divide the 24 rows
        IntermediateOutputs = new Dictionary<string, string> { ["TeacherFeatures"] = ReluTensor },
    };

    [Fact]
    public void An_onnx_node_output_becomes_a_column_equal_to_pytorch_on_the_same_weights()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 24);
        var (_, logits, _) = TinyCnnReference.Load();
        var expected = ReferenceFeatures();

        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });
        var scored = ml.Transforms.TeacherScore(Options(teacher)).Fit(data).Transform(data);

        var column = scored.Schema["TeacherFeatures"];
        Assert.Equal(144, ((VectorDataViewType)column.Type).Size);
        Assert.NotNull(column.Annotations.Schema.GetColumnOrNull("TeacherFingerprint"));
        var features = TestData.Column(scored, "TeacherFeatures");
        var scoredLogits = TestData.Column(scored, DefaultColumnNames.TeacherLogits);
        for (int r = 0; r < expected.Length; r++)
        {
            Tolerance.Close(expected[r].Select(v => (double)v).ToArray(), features[r].Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"row {r} feature");
            Tolerance.Close(logits[r].Select(v => (double)v).ToArray(), scoredLogits[r].Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"row {r} logit");
        }
    }

    [Fact]
    public void The_cache_keeps_intermediate_outputs_and_never_serves_a_logits_only_file()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 24);
        string folder = Directory.CreateTempSubdirectory("intermediate-cache").FullName;
        try
        {
            var onnxOptions = new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" };
            using var plain = Teacher.FromOnnx(TinyCnnReference.ModelPath, onnxOptions);
            TestData.Column(ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = plain, CacheDirectory = folder }).Fit(data).Transform(data),
                DefaultColumnNames.TeacherLogits);
            using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, onnxOptions);
            var first = TestData.Column(ml.Transforms.TeacherScore(Options(teacher, folder)).Fit(data).Transform(data), "TeacherFeatures");
            Assert.Equal(2, Directory.GetFiles(folder).Length); // its own file, not the logits-only one
            var again = TestData.Column(ml.Transforms.TeacherScore(Options(teacher, folder)).Fit(data).Transform(data), "TeacherFeatures");
            Assert.Equal(2, Directory.GetFiles(folder).Length);
            Assert.Equal(first, again);
            var expected = ReferenceFeatures();
            Tolerance.Close(expected[5].Select(v => (double)v).ToArray(), again[5].Select(v => (double)v).ToArray(), 1e-5, 1e-5, "row 5 from the cache");
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void An_ml_net_teacher_emits_any_column_of_its_output()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 200);
        var model = ml.Transforms.NormalizeMeanVariance("Scaled", "Features")
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "Scaled", maximumNumberOfIterations: 5))
            .Fit(data);
        using var teacher = Teacher.FromTransformer(model);
        var scored = ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = teacher, IntermediateOutputs = new Dictionary<string, string> { ["TeacherScaled"] = "Scaled" },
        }).Fit(data).Transform(data);
        Assert.Equal(TestData.Column(model.Transform(data), "Scaled"), TestData.Column(scored, "TeacherScaled"));

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = teacher, IntermediateOutputs = new Dictionary<string, string> { ["T"] = "NoSuchColumn" },
        }).Fit(data));
        Assert.Contains("'NoSuchColumn'", missing.Message);
        Assert.Contains("Scaled", missing.Message);
    }

    [Fact]
    public void A_tensor_the_model_lacks_and_an_ensemble_are_refused_by_name()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 24);
        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });
        var unknown = Assert.Throws<ArgumentException>(() => ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = teacher, IntermediateOutputs = new Dictionary<string, string> { ["T"] = "/nope" },
        }).Fit(data));
        Assert.Contains("'/nope'", unknown.Message);
        Assert.Contains(ReluTensor, unknown.Message); // the message lists the tensors there are

        using var ensemble = Teacher.Ensemble([(teacher, 1f)]);
        var refused = Assert.Throws<NotSupportedException>(() => ml.Transforms.TeacherScore(Options(ensemble)).Fit(data));
        Assert.Contains("ensemble", refused.Message);

        Assert.Throws<ArgumentException>(() => ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = teacher, IntermediateOutputs = new Dictionary<string, string> { [DefaultColumnNames.TeacherLogits] = ReluTensor },
        }));
    }

    [Fact]
    public void A_student_used_as_teacher_offers_its_hidden_layers_by_the_trainers_names()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 150);
        var trained = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [16, 8] }, NumberOfEpochs = 5, Seed = 1,
        }).Fit(data);
        using var teacher = Teacher.FromStudent(trained);
        var scored = ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = teacher, IntermediateOutputs = new Dictionary<string, string> { ["H1"] = "hidden1", ["H2"] = "hidden2" },
        }).Fit(data).Transform(data);
        var first = TestData.Column(scored, "H1");
        var second = TestData.Column(scored, "H2");
        Assert.All(first, row => Assert.Equal(16, row.Length));
        Assert.All(second, row => Assert.Equal(8, row.Length));
        // Outputs of a ReLU: never negative, and the layer is alive (some positive values).
        Assert.True(first.SelectMany(r => r).All(v => v >= 0) && first.SelectMany(r => r).Any(v => v > 0));
        Assert.True(second.SelectMany(r => r).All(v => v >= 0) && second.SelectMany(r => r).Any(v => v > 0));
    }

    private static float[][] ReferenceFeatures()
    {
        using var stream = File.OpenRead(TestData.Fixture("tiny_cnn_features_reference.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("features").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
    }
}
