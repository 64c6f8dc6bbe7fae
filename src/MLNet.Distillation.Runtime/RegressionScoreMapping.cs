using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNet.Distillation.Runtime;

/// <summary>
/// Turns a regression student's one-value <c>Score</c> vector (as ONNX Runtime returns it) into the scalar <c>Score</c>
/// column of ML.NET's regression trainers. Needed because ML.NET's OnnxTransformer maps every ONNX output to a vector column.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class RegressionScoreMapping : CustomMappingFactory<RegressionScoreMapping.ValueRow, RegressionScoreMapping.ScoreRow>
{
    /// <summary>The contract name stored in saved models. Never change it: saved models refer to it.</summary>
    public const string ContractName = "MLNet.Distillation.RegressionScore.v1";

    /// <summary>The input of the mapping: the prediction as a one-value vector.</summary>
    public sealed class ValueRow
    {
        /// <summary>The prediction, one value, in the label's units.</summary>
        [VectorType]
        public VBuffer<float> Score;
    }

    /// <summary>The output of the mapping: the prediction as a scalar.</summary>
    public sealed class ScoreRow
    {
        /// <summary>The prediction, in the label's units.</summary>
        public float Score;
    }

    /// <summary>The mapping.</summary>
    public override Action<ValueRow, ScoreRow> GetMapping() => Map;

    internal static void Map(ValueRow input, ScoreRow output)
    {
        var values = input.Score.GetValues();
        output.Score = values.Length > 0 ? values[0] : float.NaN;
    }
}
