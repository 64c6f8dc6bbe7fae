using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNet.Distillation.Runtime;

/// <summary>
/// Turns a binary student's one-value <c>Score</c> vector (the logit, as ONNX Runtime returns it) into the three scalar
/// columns of ML.NET's binary classifiers: <c>Score</c> (the logit), <c>Probability</c> (its sigmoid) and
/// <c>PredictedLabel</c> (Score &gt; 0, the threshold ML.NET's binary evaluator applies). Needed because ML.NET's
/// OnnxTransformer maps every ONNX output to a vector column.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class BinaryScoreMapping : CustomMappingFactory<BinaryScoreMapping.LogitRow, BinaryScoreMapping.BinaryRow>
{
    /// <summary>The contract name stored in saved models. Never change it: saved models refer to it.</summary>
    public const string ContractName = "MLNet.Distillation.BinaryScore.v1";

    /// <summary>The input of the mapping: the student's logit as a one-value vector.</summary>
    public sealed class LogitRow
    {
        /// <summary>The logit, one value.</summary>
        [VectorType]
        public VBuffer<float> Score;
    }

    /// <summary>The output of the mapping: ML.NET's binary classification columns.</summary>
    public sealed class BinaryRow
    {
        /// <summary>The logit (raw score).</summary>
        public float Score;

        /// <summary>The probability of the positive class, sigmoid(Score).</summary>
        public float Probability;

        /// <summary>True when Score &gt; 0 (Probability &gt; 0.5).</summary>
        public bool PredictedLabel;
    }

    /// <summary>The mapping.</summary>
    public override Action<LogitRow, BinaryRow> GetMapping() => Map;

    internal static void Map(LogitRow input, BinaryRow output)
    {
        var values = input.Score.GetValues();
        float logit = values.Length > 0 ? values[0] : float.NaN;
        output.Score = logit;
        // In double, e^−z stays finite down to z ≈ −709, so the probability keeps its smallest float values (down to about
        // 1e−45, z ≈ −103) instead of underflowing to exactly 0 at z ≈ −88 as a float computation would.
        output.Probability = (float)(1 / (1 + Math.Exp(-logit)));
        output.PredictedLabel = logit > 0;
    }
}
