using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Tests.Evaluation;

public sealed class DistillationMetricsTests
{
    [Fact]
    public void Macro_f1_and_agreement_match_hand_computation()
    {
        // Truth:      a a a b b c
        // Predicted:  a a b b c c
        // a: P=2/2 R=2/3 F1=0.8;  b: P=1/2 R=1/2 F1=0.5;  c: P=1/2 R=1/1 F1=2/3.  Macro = (0.8+0.5+0.6667)/3.
        var ml = new MLContext(0);
        string[] truth = ["a", "a", "a", "b", "b", "c"], predicted = ["a", "a", "b", "b", "c", "c"];
        var rows = truth.Zip(predicted, (t, p) => new Row { Label = t, Predicted = p, Score = OneHot("abc".IndexOf(p[0]), 3) });
        var data = ml.Data.LoadFromEnumerable(rows);
        var keys = ml.Data.LoadFromEnumerable(new[] { "a", "b", "c" }.Select(v => new KeyRow { Value = v }));
        var scored = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys)
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", "Predicted", keyData: keys))
            .Fit(data).Transform(data);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.Equal((0.8 + 0.5 + 2.0 / 3) / 3, DistillationMetrics.MacroF1(metrics.ConfusionMatrix), 6);

        var truthAsPrediction = ml.Transforms.Conversion.MapValueToKey("PredictedLabel", "Label", keyData: keys).Fit(data).Transform(data);
        Assert.Equal(4.0 / 6, DistillationMetrics.Agreement(scored, truthAsPrediction), 10);
        Assert.Contains("'Nope'", Assert.Throws<ArgumentException>(() => DistillationMetrics.Agreement(scored, scored, "Nope")).Message);
    }

    [Fact]
    public void Binary_agreement_counts_equal_booleans_and_refuses_to_compare_a_key_with_a_boolean()
    {
        // Student: T F T T F;  teacher: T T T F F  →  rows 1, 3 and 5 agree: 3/5.
        var ml = new MLContext(0);
        var student = ml.Data.LoadFromEnumerable(new[] { true, false, true, true, false }.Select(p => new BinaryRow { PredictedLabel = p }));
        var teacher = ml.Data.LoadFromEnumerable(new[] { true, true, true, false, false }.Select(p => new BinaryRow { PredictedLabel = p }));
        Assert.Equal(3.0 / 5, DistillationMetrics.Agreement(student, teacher), 10);

        var keys = ml.Transforms.Conversion.MapValueToKey("PredictedLabel", "Text")
            .Fit(ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new KeyRow { Value = "x" }).Select(r => new TextRow { Text = r.Value })));
        var keyed = keys.Transform(ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(_ => new TextRow { Text = "x" })));
        Assert.Contains("Boolean in first but a key in second", Assert.Throws<ArgumentException>(() => DistillationMetrics.Agreement(student, keyed)).Message);
    }

    private sealed class BinaryRow
    {
        public bool PredictedLabel { get; set; }
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    [Fact]
    public void Expected_calibration_error_matches_hand_computation()
    {
        // Four rows, two bins. Confidences 0.9 (right), 0.8 (wrong) in the upper bin; 0.4 (right), 0.45 (right) in the lower.
        // Upper: |0.5 − 0.85| = 0.35, lower: |1 − 0.425| = 0.575; ECE = 0.5·0.35 + 0.5·0.575 = 0.4625.
        var ml = new MLContext(0);
        var rows = new[]
        {
            new Row { Label = "a", Predicted = "a", Score = [0.9f, 0.05f, 0.05f] },
            new Row { Label = "a", Predicted = "b", Score = [0.1f, 0.8f, 0.1f] },
            new Row { Label = "c", Predicted = "c", Score = [0.3f, 0.3f, 0.4f] },
            new Row { Label = "b", Predicted = "b", Score = [0.25f, 0.45f, 0.3f] },
        };
        var keys = ml.Data.LoadFromEnumerable(new[] { "a", "b", "c" }.Select(v => new KeyRow { Value = v }));
        var data = ml.Data.LoadFromEnumerable(rows);
        var scored = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys).Fit(data).Transform(data);
        Assert.Equal(0.4625, DistillationMetrics.ExpectedCalibrationError(scored, bins: 2), 6);
    }

    private static float[] OneHot(int index, int length) => Enumerable.Range(0, length).Select(i => i == index ? 1f : 0f).ToArray();

    private sealed class Row
    {
        public string Label { get; set; } = "";
        public string Predicted { get; set; } = "";
        [VectorType(3)] public float[] Score { get; set; } = [];
    }

    private sealed class KeyRow
    {
        public string Value { get; set; } = "";
    }
}
