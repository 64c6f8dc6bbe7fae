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

}
