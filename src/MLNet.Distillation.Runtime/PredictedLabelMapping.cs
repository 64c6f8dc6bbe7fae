using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNet.Distillation.Runtime;

/// <summary>
/// Turns the student's <c>Score</c> vector into the index of its largest entry (first one on ties, like ONNX ArgMax), or
/// -1 when a score is NaN (the next stage maps it to the missing key, so a NaN input is never reported as class 0).
/// Needed because ML.NET's OnnxTransformer cannot deliver a scalar ONNX output (it only maps tensors to vector
/// columns), while ML.NET's evaluators and users' prediction classes expect a scalar <c>PredictedLabel</c>.
/// Pure managed code: a saved student loads with ML.NET and ONNX Runtime, never libtorch.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class PredictedLabelMapping : CustomMappingFactory<PredictedLabelMapping.ScoreRow, PredictedLabelMapping.IndexRow>
{
    /// <summary>The contract name stored in saved models. Never change it: saved models refer to it.</summary>
    public const string ContractName = "MLNet.Distillation.ScoreArgMax.v1";

    /// <summary>The input of the mapping: the class probabilities.</summary>
    public sealed class ScoreRow
    {
        /// <summary>Class probabilities.</summary>
        [VectorType]
        public VBuffer<float> Score;
    }

    /// <summary>The output of the mapping: a 0-based class index, mapped to the label's keys by the next stage.</summary>
    public sealed class IndexRow
    {
        /// <summary>0-based index of the most probable class.</summary>
        public int PredictedLabel;
    }

    /// <summary>The arg-max mapping.</summary>
    public override Action<ScoreRow, IndexRow> GetMapping() => Map;

    internal static void Map(ScoreRow input, IndexRow output)
    {
        var values = input.Score.GetValues();
        int best = 0;
        for (int i = 0; i < values.Length; i++)
        {
            // A NaN score (a NaN feature went in) has no largest class: -1 maps to the missing key instead of class 0.
            if (float.IsNaN(values[i]))
            {
                output.PredictedLabel = -1;
                return;
            }
            if (values[i] > values[best])
                best = i;
        }
        output.PredictedLabel = values.Length == 0 ? -1 : best;
    }
}
