using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// One of K classes: text, or whole numbers with few distinct values; the label mapped to a key and the predicted key back
/// to the label's values; LightGbm's multiclass trainer as teacher, micro accuracy for the sweep, MacroF1 when the classes
/// are imbalanced.
/// </summary>
internal sealed class MulticlassCliTask : CliTask
{
    /// <summary>Whole-number labels with at most this many distinct values are read as classes when <c>--task</c> is not given.</summary>
    public const int MaximumInferredClasses = 20;

    public static MulticlassCliTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.MulticlassClassification;

    public override string Name => "multiclass";

    /// <summary>Whole numbers with at most <see cref="MaximumInferredClasses"/> distinct values, or text (binary has claimed two values).</summary>
    public override string? Claim(InferredColumn label)
    {
        if (label.Kind == ColumnKind.Numeric)
        {
            bool fewWholeNumbers = label.AllIntegers && !label.ManyDistinct && label.Distinct.Count <= MaximumInferredClasses;
            return fewWholeNumbers ? $"{label.Distinct.Count} distinct whole numbers" : null;
        }
        return $"{DistinctCount(label)} distinct text values";
    }

    protected override void CheckLabel(InferredColumn label, string fileName, string values)
    {
        if (label.ManyDistinct)
            throw CliException.BadInput($"--task multiclass: label '{label.Name}' in {fileName} " +
                $"has more than {CsvColumnInference.DistinctLimit} distinct values; use --task regression for numbers.");
    }

    /// <summary>The label as a key, its values in order (numbers numerically, text ordinally).</summary>
    public override IEstimator<ITransformer> AppendLabel(MLContext mlContext, Featurization plan, IEstimator<ITransformer> chain)
        => chain.Append(mlContext.Transforms.Conversion.MapValueToKey(Featurization.LabelColumn, plan.Label.Name,
            keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue));

    /// <summary>The predicted key mapped back to the label's value, so the saved model predicts classes as the file writes them.</summary>
    public override ITransformer? LabelValues(MLContext mlContext, ITransformer student, IDataView train)
        => mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(student.Transform(train));

    public override IEstimator<ITransformer> LightGbm(MLContext mlContext, string label, string features)
        => mlContext.MulticlassClassification.Trainers.LightGbm(label, features);

    public override double SearchScore(MLContext mlContext, IDataView scored)
        => mlContext.MulticlassClassification.Evaluate(scored, Featurization.LabelColumn).MicroAccuracy;

    public override IReadOnlyList<(string Name, bool HigherIsBetter, string[] Aliases)> Metrics { get; } =
    [
        ("MicroAccuracy", true, ["accuracy"]), ("MacroAccuracy", true, []), ("MacroF1", true, ["f1"]),
        ("LogLoss", false, []), ("LogLossReduction", true, []),
    ];

    public override string? ImbalancedMetric => "MacroF1";

    public override IEnumerable<string> ModelOutputMembers(Featurization plan)
    {
        string label = ConsumptionCodeWriter.Xml(plan.Label.Name);
        string classes = ConsumptionCodeWriter.Xml(string.Join(", ", plan.Label.Distinct.Order(ConsumptionCodeWriter.ClassOrder(plan)).Take(20)))
            + (plan.Label.Distinct.Count > 20 ? ", ..." : "");
        string initializer = plan.LabelKind == DataKind.String ? " = \"\";" : "";
        return
        [
            $"        /// <summary>The predicted class, as it is written in '{label}'.</summary>",
            "        [ColumnName(\"PredictedLabel\")]",
            $"        public {ConsumptionCodeWriter.TypeOf(plan.LabelKind)} PredictedLabel {{ get; set; }}{initializer}",
            "",
            $"        /// <summary>The probability of each class, in sorted order: {classes}.</summary>",
            "        [ColumnName(\"Score\")]",
            "        public float[] Score { get; set; } = [];",
        ];
    }

    public override string OutputExample => "output.PredictedLabel";
}
