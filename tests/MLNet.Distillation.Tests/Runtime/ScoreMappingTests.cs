using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;

namespace MLNet.Distillation.Tests.Runtime;

/// <summary>The small stages a saved student runs after ONNX Runtime, checked against hand computation.</summary>
public sealed class ScoreMappingTests
{
    [Theory]
    [InlineData(0.0, 0.5, false)]
    [InlineData(2.0, 0.8807970779778823, true)]
    [InlineData(-3.5, 0.029312230751356319, false)]
    [InlineData(-95.0, 5.5210822770285325e-42, false)]  // past float's exp range: a float sigmoid would say exactly 0
    [InlineData(40.0, 1.0, true)]
    public void Binary_mapping_writes_the_logit_its_sigmoid_and_the_sign(double logit, double probability, bool label)
    {
        var output = new BinaryScoreMapping.BinaryRow();
        BinaryScoreMapping.Map(new BinaryScoreMapping.LogitRow { Score = new VBuffer<float>(1, [(float)logit]) }, output);
        Assert.Equal((float)logit, output.Score);
        Assert.Equal((float)probability, output.Probability);
        Assert.True(output.Probability > 0);
        Assert.Equal(label, output.PredictedLabel);
    }

    [Fact]
    public void Regression_mapping_unwraps_the_one_value_vector_and_multiclass_takes_the_first_largest_score()
    {
        var value = new RegressionScoreMapping.ScoreRow();
        RegressionScoreMapping.Map(new RegressionScoreMapping.ValueRow { Score = new VBuffer<float>(1, [31.25f]) }, value);
        Assert.Equal(31.25f, value.Score);

        var index = new PredictedLabelMapping.IndexRow();
        PredictedLabelMapping.Map(new PredictedLabelMapping.ScoreRow { Score = new VBuffer<float>(4, [0.1f, 0.4f, 0.4f, 0.1f]) }, index);
        Assert.Equal(1, index.PredictedLabel); // ties go to the first, like ONNX ArgMax

        Assert.Equal(["MLNet.Distillation.BinaryScore.v1", "MLNet.Distillation.RegressionScore.v1"],
            [BinaryScoreMapping.ContractName, RegressionScoreMapping.ContractName]);
    }

    [Fact]
    public void A_nan_feature_predicts_the_missing_key_or_nan_never_a_class()
    {
        // Multiclass: NaN scores have no largest class; the saved chain maps -1 to key 0, ML.NET's missing value.
        var ml = new Microsoft.ML.MLContext(0);
        var data = Support.TestData.KeyedDigits(ml, 100);
        var student = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 2, seed: 1).Fit(data);
        var engine = ml.Model.CreatePredictionEngine<DigitRow, KeyPrediction>(student);
        var features = Enumerable.Repeat(0.5f, 64).ToArray();
        Assert.NotEqual(0u, engine.Predict(new DigitRow { Features = features }).PredictedLabel);
        features[7] = float.NaN;
        var nan = engine.Predict(new DigitRow { Features = features });
        Assert.Equal(0u, nan.PredictedLabel);
        Assert.All(nan.Score, s => Assert.True(float.IsNaN(s)));

        // Binary: a NaN logit gives a NaN probability and false (no Score > 0), as ML.NET's binary trainers do.
        var output = new BinaryScoreMapping.BinaryRow();
        BinaryScoreMapping.Map(new BinaryScoreMapping.LogitRow { Score = new VBuffer<float>(1, [float.NaN]) }, output);
        Assert.True(float.IsNaN(output.Probability));
        Assert.False(output.PredictedLabel);
    }

    private sealed class DigitRow
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
    }

    private sealed class KeyPrediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }
}
