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
}
