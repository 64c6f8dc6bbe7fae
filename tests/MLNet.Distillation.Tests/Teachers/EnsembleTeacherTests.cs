using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers;

public sealed class EnsembleTeacherTests
{
    private static Teacher Cnn(string output = "logits", TeacherOutputKind kind = TeacherOutputKind.Logits)
        => Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = output, OutputKind = kind });

    [Fact]
    public void Weighted_mean_of_logits_and_of_probabilities_match_hand_computation()
    {
        var ml = new MLContext(0);
        var (_, logits, probabilities) = TinyCnnReference.Load();
        var data = TestData.Digits(ml, 24);

        // Member 2 is the same network read through its probability output: log p = logits − logsumexp(logits).
        using var logitEnsemble = Teacher.Ensemble([(Cnn(), 3f), (Cnn("probabilities", TeacherOutputKind.Probabilities), 1f)]);
        var meanLogits = TestData.Column(ml.Transforms.TeacherScore(logitEnsemble).Fit(data).Transform(data), DefaultColumnNames.TeacherLogits);
        using var probabilityEnsemble = Teacher.Ensemble([(Cnn(), 1f), (Cnn(), 1f)], EnsembleCombination.MeanProbabilities);
        var meanProbabilities = TestData.Column(ml.Transforms.TeacherScore(probabilityEnsemble).Fit(data).Transform(data), DefaultColumnNames.TeacherLogits);

        for (int r = 0; r < logits.Length; r++)
        {
            var expected = logits[r].Select((z, c) => 0.75 * z + 0.25 * Math.Log(probabilities[r][c])).ToArray();
            Tolerance.Close(expected, meanLogits[r].Select(v => (double)v).ToArray(), 1e-4, 1e-5, $"row {r} mean logits");
            Tolerance.Close(probabilities[r].Select(p => Math.Log(p)).ToArray(), meanProbabilities[r].Select(v => (double)v).ToArray(), 1e-4, 1e-5, $"row {r} mean probabilities");
        }
    }

    [Fact]
    public void Members_with_different_class_counts_and_bad_weights_are_rejected_by_name()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 10);
        using var mismatched = Teacher.Ensemble([(Cnn(), 1f), (Teacher.FromOnnx(TinyCnnReference.ModelPath,
            new OnnxTeacherOptions { InputShape = [1, 8, 8], ClassCount = 10, ClassNames = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray() }), 1f)]);
        ml.Transforms.TeacherScore(mismatched).Fit(data); // same count: fine

        var weight = Assert.Throws<ArgumentException>(() => Teacher.Ensemble([(Cnn(), 1f), (Cnn(), -2f)]));
        Assert.Contains("weight -2", weight.Message);
        Assert.Throws<ArgumentException>(() => Teacher.Ensemble([]));
        Assert.Contains("ClassCount", Assert.Throws<ArgumentException>(() => Teacher.FromOnnx(TinyCnnReference.ModelPath,
            new OnnxTeacherOptions { InputShape = [1, 8, 8], ClassCount = 7 })).Message);
    }
}
