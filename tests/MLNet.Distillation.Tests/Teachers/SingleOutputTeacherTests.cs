using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers;

/// <summary>Teachers with one output per row: ONNX models writing [N] or [N, 1] logits or probabilities, ML.NET binary and regression models, ensembles.</summary>
public sealed class SingleOutputTeacherTests
{
    // A linear binary model z = w·x + b over 3 features, exported with our ONNX writer: outputs Logits [N, 1], Score [N], Probability [N].
    private static readonly float[] Weight = [0.5f, -1.25f, 2f];
    private const float Bias = -0.3f;

    private static byte[] LinearBinaryOnnx() => StudentOnnxExporter.Export(new StudentModel(DistillationTask.BinaryClassification,
        [new DenseLayer(3, 1, Weight, [Bias])], "linear", "Features", 3, 1, null), OnnxLayout.Batch);

    private static IDataView Rows(MLContext ml) => ml.Data.LoadFromEnumerable(new[]
    {
        new Row { Features = [1, 2, 3] }, new Row { Features = [-1, 0.5f, 0] }, new Row { Features = [0, 0, -4] }, new Row { Features = [7, 1, 1] },
    });

    private static double Logit(float[] x) => Weight.Zip(x).Sum(p => (double)p.First * p.Second) + Bias;

    [Theory]
    [InlineData("Score", TeacherOutputKind.Logits)]        // [N]
    [InlineData("Logits", TeacherOutputKind.Logits)]       // [N, 1]
    [InlineData("Probability", TeacherOutputKind.Probabilities)] // [N], read back as its logit
    public void Onnx_teacher_with_one_value_per_row_gives_the_logit(string output, TeacherOutputKind kind)
    {
        var ml = new MLContext(0);
        var data = Rows(ml);
        using var teacher = Teacher.FromOnnx(new MemoryStream(LinearBinaryOnnx()), new OnnxTeacherOptions { OnnxOutputName = output, OutputKind = kind });
        var scored = ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1), scored.Schema["TeacherLogits"].Type);
        var expected = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).Select(r => Logit(r.Features)).ToArray();
        var actual = TestData.Column(scored, "TeacherLogits").Select(v => (double)v.Single()).ToArray();
        Tolerance.Close(expected, actual, kind == TeacherOutputKind.Probabilities ? 2e-4 : 1e-5, 1e-4, $"teacher logit from '{output}'");
    }

    [Fact]
    public void Ensemble_of_binary_teachers_averages_probabilities_or_logits()
    {
        var ml = new MLContext(0);
        var data = Rows(ml);
        Teacher Member() => Teacher.FromOnnx(new MemoryStream(LinearBinaryOnnx()), new OnnxTeacherOptions { OnnxOutputName = "Score" });
        Teacher Shifted() => Teacher.FromOnnx(new MemoryStream(LinearBinaryOnnx()), new OnnxTeacherOptions { OnnxOutputName = "Probability", OutputKind = TeacherOutputKind.Probabilities });
        using var probabilities = Teacher.Ensemble([(Member(), 1f), (Shifted(), 3f)], EnsembleCombination.MeanProbabilities);
        using var logits = Teacher.Ensemble([(Member(), 1f), (Member(), 1f)]);
        var p = TestData.Column(ml.Transforms.TeacherScore(probabilities).Fit(data).Transform(data), "TeacherLogits");
        var l = TestData.Column(ml.Transforms.TeacherScore(logits).Fit(data).Transform(data), "TeacherLogits");
        var rows = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).ToArray();
        for (int r = 0; r < rows.Length; r++)
        {
            // Both members are the same model, so the mean probability is its probability and the mean logit its logit.
            Assert.Equal(Logit(rows[r].Features), p[r][0], 3);
            Assert.Equal(Logit(rows[r].Features), l[r][0], 4);
        }
    }

    [Fact]
    public void Ml_net_regression_model_teaches_its_prediction_and_binary_model_without_calibrator_its_raw_score()
    {
        var ml = new MLContext(0);
        var concrete = ml.Data.TakeRows(TestData.Concrete(ml), 300);
        var regression = ml.Regression.Trainers.FastTree(numberOfTrees: 10).Fit(concrete);
        var column = TestData.Column(ml.Transforms.TeacherScore(Teacher.FromTransformer(regression)).Fit(concrete).Transform(concrete), "TeacherLogits");
        Assert.Equal(TestData.Scalars(regression.Transform(concrete), "Score"), column.Select(v => v.Single()).ToArray());

        var cancer = TestData.BreastCancer(ml);
        var svm = ml.BinaryClassification.Trainers.LinearSvm(numberOfIterations: 5).Fit(cancer); // no Probability column
        var raw = TestData.Column(ml.Transforms.TeacherScore(Teacher.FromTransformer(svm)).Fit(cancer).Transform(cancer), "TeacherLogits");
        Assert.Equal(TestData.Scalars(svm.Transform(cancer), "Score"), raw.Select(v => v.Single()).ToArray());
    }

    private sealed class Row
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
    }
}
