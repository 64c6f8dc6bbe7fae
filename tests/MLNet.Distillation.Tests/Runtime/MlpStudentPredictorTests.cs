using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Runtime;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Runtime;

/// <summary>
/// The managed MLP predictor against ONNX Runtime running the same exported file (an independent implementation of the
/// same operators), for students of each task trained on real tables.
/// </summary>
public sealed class MlpStudentPredictorTests
{
    private static float[][] Rows(IDataView data) => TestData.Column(data, "Features");

    /// <summary>ONNX Runtime's outputs for every row of <paramref name="rows"/> through the batch-layout file.</summary>
    private static (float[] Score, long[]? Label) OnnxRuntime(byte[] onnx, float[][] rows, string scoreOutput, bool multiclass)
    {
        using var session = new InferenceSession(onnx);
        int features = rows[0].Length;
        using var input = OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, features]);
        var names = multiclass ? new[] { scoreOutput, "PredictedLabel" } : [scoreOutput];
        using var outputs = session.Run(new RunOptions(), ["Features"], [input], names);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), multiclass ? outputs[1].GetTensorDataAsSpan<long>().ToArray() : null);
    }

    [Fact]
    public void Multiclass_scores_and_classes_equal_onnx_runtime_within_1e_5()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var student = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 5, seed: 1).Fit(data);
        var onnx = student.ToOnnx();
        var predictor = MlpStudentPredictor.FromOnnx(onnx);
        var rows = Rows(data);
        var (expected, labels) = OnnxRuntime(onnx, rows, "Score", multiclass: true);

        Assert.Equal((DistillationTask.MulticlassClassification, 64, 10), (predictor.Task, predictor.FeatureCount, predictor.OutputCount));
        var score = new float[10];
        for (int r = 0; r < rows.Length; r++)
        {
            predictor.Score(rows[r], score);
            for (int c = 0; c < 10; c++)
                Assert.True(Math.Abs(score[c] - expected[r * 10 + c]) <= 1e-5f, $"row {r} class {c}: managed {score[c]}, ONNX Runtime {expected[r * 10 + c]}");
            Assert.Equal(labels![r], predictor.PredictClass(rows[r]));
            var again = new float[10];
            Assert.Equal(labels[r], predictor.PredictClass(rows[r], again));
            Assert.Equal(score, again);
        }
    }

    [Fact]
    public void Binary_logit_probability_and_class_equal_onnx_runtime()
    {
        var ml = new MLContext(0);
        var data = TestData.BreastCancer(ml);
        var student = ml.BinaryClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 20, seed: 1).Fit(data);
        var onnx = student.ToOnnx();
        var predictor = MlpStudentPredictor.FromOnnx(onnx);
        var rows = Rows(data);
        var (logits, _) = OnnxRuntime(onnx, rows, "Score", multiclass: false);
        var (probabilities, _) = OnnxRuntime(onnx, rows, "Probability", multiclass: false);

        Assert.Equal((DistillationTask.BinaryClassification, 30, 1), (predictor.Task, predictor.FeatureCount, predictor.OutputCount));
        var score = new float[1];
        int positives = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            predictor.Score(rows[r], score);
            Assert.True(Math.Abs(score[0] - logits[r]) <= 1e-5f * Math.Max(1, Math.Abs(logits[r])), $"row {r}: managed logit {score[0]}, ONNX Runtime {logits[r]}");
            Assert.True(Math.Abs(predictor.PredictProbability(rows[r]) - probabilities[r]) <= 1e-5f, $"row {r} probability");
            Assert.Equal(logits[r] > 0 ? 1 : 0, predictor.PredictClass(rows[r]));
            positives += predictor.PredictClass(rows[r]);
        }
        Assert.InRange(positives, 150, 270); // 212 malignant: a trained student, not a constant
    }

    [Fact]
    public void Regression_prediction_in_the_labels_units_equals_onnx_runtime()
    {
        var ml = new MLContext(0);
        var data = TestData.Concrete(ml);
        var student = ml.Regression.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 20, seed: 1).Fit(data);
        var onnx = student.ToOnnx();
        var predictor = MlpStudentPredictor.FromOnnx(onnx);
        var rows = Rows(data);
        var (expected, _) = OnnxRuntime(onnx, rows, "Score", multiclass: false);

        Assert.Equal(DistillationTask.Regression, predictor.Task);
        var score = new float[1];
        for (int r = 0; r < rows.Length; r++)
        {
            predictor.Score(rows[r], score);
            // Strengths are tens of MPa: float rounding is relative.
            Assert.True(Math.Abs(score[0] - expected[r]) <= 1e-5f * Math.Max(1, Math.Abs(expected[r])), $"row {r}: managed {score[0]}, ONNX Runtime {expected[r]}");
        }
        Assert.InRange(expected.Average(), 20, 50); // the label's units (mean strength 35.8 MPa), not standardised ones
        Assert.Throws<InvalidOperationException>(() => predictor.PredictClass(rows[0]));
        Assert.Throws<InvalidOperationException>(() => predictor.PredictProbability(rows[0]));
    }

    [Fact]
    public void A_nan_feature_predicts_no_class_and_clones_keep_their_own_buffers()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var predictor = MlpStudentPredictor.FromOnnx(ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 2, seed: 1).Fit(data).ToOnnx());
        var features = Enumerable.Repeat(0.5f, 64).ToArray();
        int plain = predictor.PredictClass(features);
        Assert.InRange(plain, 0, 9);
        var clone = predictor.Clone();
        features[7] = float.NaN;
        Assert.Equal(-1, predictor.PredictClass(features));
        features[7] = 0.5f;
        Assert.Equal(plain, clone.PredictClass(features));
    }

    [Fact]
    public void Files_it_cannot_run_are_refused_naming_why()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var cnn = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 1, Seed = 1,
            Student = new CnnStudent { InputShape = [1, 8, 8], ConvChannels = [2], DenseLayers = [] },
        }).Fit(data);
        Assert.Contains("'Conv'", Assert.Throws<InvalidDataException>(() => MlpStudentPredictor.FromOnnx(cnn.ToOnnx())).Message);

        var mlp = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1, seed: 1).Fit(data);
        Assert.Contains("'Logits'", Assert.Throws<InvalidDataException>(() => MlpStudentPredictor.FromOnnx(mlp.ToOnnx(OnnxLayout.SingleRow))).Message);
        Assert.Contains("Not an ONNX model", Assert.Throws<InvalidDataException>(() => MlpStudentPredictor.FromOnnx([0xFF, 0xFF, 0xFF, 0xFF])).Message);

        string path = Path.Combine(Path.GetTempPath(), $"not-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF]);
        try
        {
            Assert.Contains(path, Assert.Throws<InvalidDataException>(() => MlpStudentPredictor.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
        // A student that reads sparse rows takes (slot, value) pairs, not a dense row: named as such, not as "3 inputs".
        var sparseRows = Enumerable.Range(0, 40).Select(r => new SparseRow
        {
            Features = new Microsoft.ML.Data.VBuffer<float>(SparseRow.Width, 2, [1f, 0.5f], [r % 32, 32 + (r * 7) % 32]),
            Label = r % 2 == 0,
        });
        var sparse = ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 1, Seed = 1, SparseFeatures = true, AutomaticEarlyStopping = false,
            Student = new MlpStudent { HiddenLayers = [] },
        }).Fit(ml.Data.LoadFromEnumerable(sparseRows));
        var sparseRefusal = Assert.Throws<InvalidDataException>(() => MlpStudentPredictor.FromOnnx(sparse.ToOnnx())).Message;
        Assert.Contains("sparse rows", sparseRefusal);
        Assert.Contains("PredictionEngine", sparseRefusal);

        var predictor = MlpStudentPredictor.FromOnnx(mlp.ToOnnx());
        Assert.Contains("63 features", Assert.Throws<ArgumentException>(() => predictor.PredictClass(new float[63])).Message);
        Assert.Contains("writes 10", Assert.Throws<ArgumentException>(() => predictor.Score(new float[64], new float[3])).Message);
    }

    private sealed class SparseRow
    {
        public const int Width = 64;
        [Microsoft.ML.Data.VectorType(Width)] public Microsoft.ML.Data.VBuffer<float> Features;
        public bool Label;
    }
}
