using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// The model that always answers the majority class of the training rows, with the training rows' class shares as its
/// probabilities: the floor every classifier must beat. On imbalanced classes its accuracy is high, and a student that
/// never predicts the minority class can score below it and still look good. Measured by the same evaluation as the
/// students (ML.NET's evaluators through <c>mlContext.Distillation.EvaluateModel</c>), on constant predictions.
/// </summary>
internal static class MajorityClassModel
{
    /// <summary>How the console, the report and metrics.json name it.</summary>
    public static string Name(ClassBalance balance) => $"always '{balance.Majority}'";

    /// <summary>The majority-class model measured on <paramref name="test"/> (featurised, with <c>Label</c>); no size or speed.</summary>
    public static ModelEvaluation Evaluate(MLContext ml, IDataView test, ClassBalance balance)
    {
        var label = test.Schema[Featurization.LabelColumn];
        var shares = balance.Classes.Select(c => (float)((double)c.Rows / balance.Rows)).ToArray();
        int majority = Array.IndexOf(shares, shares.Max());
        IDataView predictions;
        if (label.Type is BooleanDataViewType)
        {
            float positive = Math.Clamp(shares[1], 1e-6f, 1 - 1e-6f);
            predictions = ml.Data.LoadFromEnumerable(test.GetColumn<bool>(label).Select(truth => new BinaryRow
            {
                Label = truth,
                Score = MathF.Log(positive / (1 - positive)),
                Probability = positive,
                PredictedLabel = majority == 1,
            }).ToArray());
        }
        else
        {
            int classes = shares.Length;
            var definition = SchemaDefinition.Create(typeof(MulticlassRow));
            definition[nameof(MulticlassRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes);
            definition[nameof(MulticlassRow.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), classes);
            definition[nameof(MulticlassRow.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
            // LoadFromEnumerable reads a key property as a 0-based index, and an index of at least the class count as missing.
            predictions = ml.Data.LoadFromEnumerable(test.GetColumn<uint>(label).Select(key => new MulticlassRow
            {
                Label = key == 0 ? (uint)classes : key - 1,
                Score = shares,
                PredictedLabel = (uint)majority,
            }).ToArray(), definition);
        }
        // The rows already carry the predictions: an empty chain hands them to the evaluation as they are.
        var evaluation = ml.Distillation.EvaluateModel(new TransformerChain<ITransformer>(), predictions, Name(balance),
            new EvaluationOptions { LabelColumnName = nameof(BinaryRow.Label), MeasureSpeed = false });
        // The constant rows carry no class names, and a constant has no size worth comparing.
        return evaluation with
        {
            PerClassAccuracy = evaluation.PerClassAccuracy.Select((c, i) => c with { ClassName = balance.Classes[i].Name }).ToArray(),
            ParameterCount = 0,
            SerializedBytes = 0,
        };
    }

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private sealed class MulticlassRow
    {
        public uint Label { get; set; }
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }
}
