using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Tests.Evaluation;

/// <summary>
/// Evaluate on models whose predictions are fixed columns of the data (a CopyColumns "model"), so every figure can be
/// computed by hand; the KL and log-loss values come from the definitions evaluated in Python (math module) and are
/// written here as literals.
/// </summary>
public sealed class EvaluateReferenceTests
{
    private static readonly EvaluationOptions NoTiming = new() { MeasureSpeed = false, CalibrationBins = 2 };

    [Fact]
    public void Multiclass_figures_match_hand_computation()
    {
        // Truth (keys by value: cat, dog, eel):  cat  dog  eel  cat
        // Teacher argmax:                        cat  dog  eel  dog   → accuracy 3/4
        // Student argmax (tie → first class):    cat  cat  eel  cat   → accuracy 3/4; agrees with the teacher on rows 1, 3
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new MulticlassRow { Label = "cat", T = [0.7f, 0.2f, 0.1f], S = [0.5f, 0.3f, 0.2f] },
            new MulticlassRow { Label = "dog", T = [0.1f, 0.8f, 0.1f], S = [0.4f, 0.4f, 0.2f] },
            new MulticlassRow { Label = "eel", T = [0.2f, 0.2f, 0.6f], S = [0.1f, 0.2f, 0.7f] },
            new MulticlassRow { Label = "cat", T = [0.3f, 0.6f, 0.1f], S = [0.6f, 0.3f, 0.1f] },
        });
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
        // The label is mapped inside each model, as a Model Builder pipeline does: Evaluate reads it from the student's output.
        var teacher = keyed.Append(ml.Transforms.CopyColumns("Score", "T")).Fit(data);
        var student = keyed.Append(ml.Transforms.CopyColumns("Score", "S")).Fit(data);

        var e = ml.Distillation.Evaluate(teacher, student, data, NoTiming);

        Assert.Equal(DistillationTask.MulticlassClassification, e.Task);
        Assert.Equal(4, e.Rows);
        Assert.Equal(0.75, e.Teacher.Metric("MicroAccuracy"), 6);
        Assert.Equal(0.75, e.Student.Metric("MicroAccuracy"), 6);
        Assert.Equal(0.5736542308362172, e.Teacher.Metric("LogLoss"), 5);          // mean −ln p(true class)
        Assert.Equal(0.6192346200347059, e.Student.Metric("LogLoss"), 5);
        Assert.Equal(0.5, e.Agreement.Fidelity!.Value, 10);
        Assert.Equal(0.171444899655203, e.Agreement.KLDivergence!.Value, 6);     // mean Σ p_t ln(p_t / p_s)
        Assert.Null(e.Agreement.RmseToTeacher);
        Assert.Equal(1.0, e.QualityKept, 10);

        // Two bins. Teacher: confidences .7 .8 .6 (right) .6 (wrong), all in [.5, 1): |0.75 − 0.675| = 0.075.
        // Student: .4 (wrong) in [0, .5); .5 .7 .6 (right) in [.5, 1): 1/4·0.4 + 3/4·|1 − 0.6| = 0.4.
        Assert.Equal(0.075, e.Teacher.Calibration!.ExpectedCalibrationError, 6);
        Assert.Equal(0.4, e.Student.Calibration!.ExpectedCalibrationError, 6);
        var bin = e.Student.Calibration.Bins[0];
        Assert.Equal((0.0, 0.5, 1L, 0.0, 0.4), (bin.Lower, bin.Upper, bin.Count, bin.Accuracy, bin.MeanConfidence), new BinComparer());

        Assert.Equal(["cat", "dog", "eel"], e.Teacher.PerClassAccuracy.Select(c => c.ClassName));
        Assert.Equal([0.5, 1.0, 1.0], e.Teacher.PerClassAccuracy.Select(c => c.Accuracy));
        Assert.Equal([1.0, 0.0, 1.0], e.Student.PerClassAccuracy.Select(c => c.Accuracy));
        Assert.Equal([2L, 1L, 1L], e.Student.PerClassAccuracy.Select(c => c.Rows));
        Assert.NotNull(e.Teacher.MulticlassMetrics);
        Assert.Null(e.Teacher.Latency);
    }

    [Fact]
    public void Binary_figures_match_hand_computation()
    {
        // Truth:               T    F    T    F    F
        // Teacher p (>.5):     .9T  .3F  .6T  .2F  .8T   → accuracy 4/5
        // Student p:           .7T  .6T  .4F  .1F  .55T  → accuracy 2/5; agrees with the teacher on rows 1, 4, 5
        var ml = new MLContext(0);
        float[] pt = [0.9f, 0.3f, 0.6f, 0.2f, 0.8f], ps = [0.7f, 0.6f, 0.4f, 0.1f, 0.55f];
        bool[] truth = [true, false, true, false, false];
        var data = ml.Data.LoadFromEnumerable(truth.Select((y, i) => new BinaryRow
        {
            Label = y, TP = pt[i], TS = Logit(pt[i]), SP = ps[i], SS = Logit(ps[i]),
        }));
        var teacher = ml.Transforms.CopyColumns("Score", "TS").Append(ml.Transforms.CopyColumns("Probability", "TP")).Fit(data);
        var student = ml.Transforms.CopyColumns("Score", "SS").Append(ml.Transforms.CopyColumns("Probability", "SP")).Fit(data);

        var e = ml.Distillation.Evaluate(teacher, student, data, NoTiming);

        Assert.Equal(DistillationTask.BinaryClassification, e.Task);
        Assert.Equal(0.8, e.Teacher.Metric("Accuracy"), 6);
        Assert.Equal(0.4, e.Student.Metric("Accuracy"), 6);
        Assert.Equal(0.6, e.Agreement.Fidelity!.Value, 10);
        Assert.Equal(0.11263467989823894, e.Agreement.KLDivergence!.Value, 6);   // two-class KL, mean over rows
        Assert.Equal(0.5, e.QualityKept, 6);
        // Confidences max(p, 1 − p): .9 .7 .6 .8 right, .8 wrong; all in [.5, 1): |0.8 − 0.76| = 0.04.
        Assert.Equal(0.04, e.Teacher.Calibration!.ExpectedCalibrationError, 6);
        Assert.Equal(["False", "True"], e.Teacher.PerClassAccuracy.Select(c => c.ClassName));
        Assert.Equal([2.0 / 3, 1.0], e.Teacher.PerClassAccuracy.Select(c => c.Accuracy));
        Assert.Contains(e.Teacher.Metrics, m => m.Name == "LogLoss");
    }

    [Fact]
    public void A_binary_model_without_probability_gets_uncalibrated_metrics_and_no_kl_or_calibration()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(new[] { true, false, true, false }.Select((y, i) => new BinaryRow { Label = y, TS = i - 1.5f, TP = 0.5f, SS = 1.5f - i, SP = 0.5f }));
        var teacher = ml.Transforms.CopyColumns("Score", "TS").Fit(data);
        var student = ml.Transforms.CopyColumns("Score", "SS").Append(ml.Transforms.CopyColumns("Probability", "SP")).Fit(data);
        var e = ml.Distillation.Evaluate(teacher, student, data, NoTiming);
        Assert.DoesNotContain(e.Teacher.Metrics, m => m.Name == "LogLoss");
        Assert.Null(e.Teacher.Calibration);
        Assert.Null(e.Agreement.KLDivergence);
        Assert.Equal(0.0, e.Agreement.Fidelity!.Value, 10);                      // scores of opposite sign on every row
    }

    [Fact]
    public void Regression_figures_match_hand_computation()
    {
        // Truth 3, 5, −1, 2.5; teacher 2.5, 5.5, 0, 2; student 3.5, 4, −0.5, 2.
        // RMSE teacher = RMSE student = √(1.75/4) = 0.66144; RMSE between them = √(3.5/4) = 0.93541.
        var ml = new MLContext(0);
        float[] y = [3, 5, -1, 2.5f], t = [2.5f, 5.5f, 0, 2], s = [3.5f, 4, -0.5f, 2];
        var data = ml.Data.LoadFromEnumerable(y.Select((v, i) => new RegressionRow { Label = v, T = t[i], S = s[i] }));
        var e = ml.Distillation.Evaluate(ml.Transforms.CopyColumns("Score", "T").Fit(data), ml.Transforms.CopyColumns("Score", "S").Fit(data), data, NoTiming);

        Assert.Equal(DistillationTask.Regression, e.Task);
        Assert.Equal(0.6614378277661477, e.Teacher.Metric("RootMeanSquaredError"), 5);
        Assert.Equal(0.6614378277661477, e.Student.Metric("RootMeanSquaredError"), 5);
        Assert.Equal(0.9354143466934853, e.Agreement.RmseToTeacher!.Value, 5);
        Assert.Null(e.Agreement.Fidelity);
        Assert.Null(e.Teacher.Calibration);
        Assert.Empty(e.Teacher.PerClassAccuracy);
        Assert.Equal(1.0, e.QualityKept, 6);
    }

    [Fact]
    public void Serialized_bytes_are_the_size_of_the_saved_model_file()
    {
        var ml = new MLContext(0);
        float[] y = [3, 5, -1, 2.5f];
        var data = ml.Data.LoadFromEnumerable(y.Select(v => new RegressionRow { Label = v, T = v, S = v }));
        var teacher = ml.Transforms.CopyColumns("Score", "T").Fit(data);
        var e = ml.Distillation.Evaluate(teacher, ml.Transforms.CopyColumns("Score", "S").Fit(data), data, NoTiming);
        string path = Path.Combine(Path.GetTempPath(), $"bytes-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(teacher, data.Schema, path);
            Assert.Equal(new FileInfo(path).Length, e.Teacher.SerializedBytes);
        }
        finally { File.Delete(path); }
    }

    private static float Logit(float p) => MathF.Log(p / (1 - p));

    private sealed class BinComparer : IEqualityComparer<(double, double, long, double, double)>
    {
        public bool Equals((double, double, long, double, double) a, (double, double, long, double, double) b)
            => Math.Abs(a.Item1 - b.Item1) < 1e-9 && Math.Abs(a.Item2 - b.Item2) < 1e-9 && a.Item3 == b.Item3
               && Math.Abs(a.Item4 - b.Item4) < 1e-6 && Math.Abs(a.Item5 - b.Item5) < 1e-6;
        public int GetHashCode((double, double, long, double, double) obj) => 0;
    }

    private sealed class MulticlassRow
    {
        public string Label { get; set; } = "";
        [VectorType(3)] public float[] T { get; set; } = [];
        [VectorType(3)] public float[] S { get; set; } = [];
    }

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float TS { get; set; }
        public float TP { get; set; }
        public float SS { get; set; }
        public float SP { get; set; }
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }
        public float T { get; set; }
        public float S { get; set; }
    }
}
