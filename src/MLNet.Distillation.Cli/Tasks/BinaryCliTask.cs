using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Yes or no: true/false, 0/1 or two text values, one of them the positive class (<c>--positive</c>); LightGbm's binary
/// trainer as teacher, AUC for the sweep, the F1 score of the minority class when the classes are imbalanced.
/// </summary>
internal sealed class BinaryCliTask : CliTask
{
    public static BinaryCliTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.BinaryClassification;

    public override string Name => "binary";

    /// <summary>True/false, 0/1, or exactly two text values.</summary>
    public override string? Claim(InferredColumn label)
    {
        if (label.Kind == ColumnKind.Boolean)
            return "its values are true/false";
        if (TaskInference.IsZeroOne(label))
            return "its values are 0 and 1";
        return label.Kind != ColumnKind.Numeric && label.Distinct.Count == 2 ? "it has two values" : null;
    }

    protected override void CheckLabel(InferredColumn label, string fileName, string values)
    {
        if (Claim(label) is null)
            throw CliException.BadInput($"--task binary: label '{label.Name}' in {fileName} has {DistinctCount(label)} distinct values ({values}); " +
                "binary needs true/false, 0/1 or two text values. Use --task multiclass or regression.");
    }

    /// <summary>
    /// The classes as the file writes them, negative first, and <c>--positive</c> applied: true/false and 0/1 in any
    /// spelling the file has; text classes exactly, or in another case when only one matches.
    /// </summary>
    public override (string? Negative, string? Positive, bool Inverts) Classes(InferredColumn label, string? positive, string fileName)
    {
        var (negativeClass, positiveClass) = FileClasses(label);
        if (positive is null)
            return (negativeClass, positiveClass, false);
        bool boolean = label.Kind == ColumnKind.Boolean;
        bool Same(string a, string b) => boolean ? a.Equals(b, StringComparison.OrdinalIgnoreCase) : a == b;
        var classes = new[] { negativeClass, positiveClass };
        string? chosen = classes.FirstOrDefault(c => Same(c, positive))
            ?? (classes.Where(c => c.Equals(positive, StringComparison.OrdinalIgnoreCase)).ToArray() is [var only] ? only : null)
            ?? throw CliException.BadInput($"--positive {positive}: label '{label.Name}' in {fileName} " +
                $"has the classes '{negativeClass}' and '{positiveClass}'; name one of them.");
        return chosen == negativeClass ? (positiveClass, negativeClass, LoadsLabelAsBoolean(label)) : (negativeClass, positiveClass, false);
    }

    /// <summary>
    /// A binary label's classes as the file writes them, negative first: false and true (in the file's spelling), 0 and 1,
    /// or two text values in ordinal order.
    /// </summary>
    private static (string Negative, string Positive) FileClasses(InferredColumn label)
    {
        if (label.Kind == ColumnKind.Boolean)
            return (label.Distinct.FirstOrDefault(v => v.Equals("false", StringComparison.OrdinalIgnoreCase)) ?? "false",
                label.Distinct.FirstOrDefault(v => v.Equals("true", StringComparison.OrdinalIgnoreCase)) ?? "true");
        if (TaskInference.IsZeroOne(label))
            return ("0", "1");
        var sorted = label.Distinct.Order(StringComparer.Ordinal).ToArray();
        return (sorted[0], sorted[1]);
    }

    /// <summary>True/false or 0/1 in the file: loaded as Boolean (two text values are mapped instead).</summary>
    public override bool LoadsLabelAsBoolean(InferredColumn label) => label.Kind == ColumnKind.Boolean || TaskInference.IsZeroOne(label);

    /// <summary>The evaluation's <c>False</c> and <c>True</c> as the label column writes them.</summary>
    public override string ClassName(Featurization plan, string evaluationName)
        => evaluationName switch { "False" => plan.NegativeClass!, "True" => plan.PositiveClass!, _ => evaluationName };

    public override string? LabelLine(Featurization plan, bool positiveGiven)
        => $"Label: '{plan.PositiveClass}' is the positive class (true), '{plan.NegativeClass}' the negative one" +
            (positiveGiven ? "." : " (--positive changes it).");

    /// <summary>Two text values mapped to false and true, or a true/false or 0/1 label inverted by <c>--positive</c>; otherwise copied.</summary>
    public override IEstimator<ITransformer> AppendLabel(MLContext mlContext, Featurization plan, IEstimator<ITransformer> chain)
    {
        if (!plan.BooleanLabel)
            return chain.Append(mlContext.Transforms.Conversion.MapValue(Featurization.LabelColumn,
                [new KeyValuePair<string, bool>(plan.NegativeClass!, false), new KeyValuePair<string, bool>(plan.PositiveClass!, true)],
                plan.Label.Name));
        if (plan.InvertsLabel)
            return chain.Append(mlContext.Transforms.Conversion.MapValue(Featurization.LabelColumn,
                [new KeyValuePair<bool, bool>(false, true), new KeyValuePair<bool, bool>(true, false)], plan.Label.Name));
        return base.AppendLabel(mlContext, plan, chain);
    }

    public override IEstimator<ITransformer> LightGbm(MLContext mlContext, string label, string features)
        => mlContext.BinaryClassification.Trainers.LightGbm(label, features);

    public override double SearchScore(MLContext mlContext, IDataView scored)
        => mlContext.BinaryClassification.Evaluate(scored, Featurization.LabelColumn).AreaUnderRocCurve;

    public override IReadOnlyList<(string Name, bool HigherIsBetter, string[] Aliases)> Metrics { get; } =
    [
        ("Accuracy", true, ["accuracy"]), ("AreaUnderRocCurve", true, ["auc"]), ("AreaUnderPrecisionRecallCurve", true, ["auprc"]),
        ("F1Score", true, ["f1"]), (VerdictMetric.MinorityF1, true, []), ("LogLoss", false, []), ("LogLossReduction", true, []),
    ];

    public override string? ImbalancedMetric => VerdictMetric.MinorityF1;

    public override bool NotesMinorityPredictions => true;

    /// <summary>The default <c>soft-bce</c> term is a cross-entropy against the teacher's softened probabilities.</summary>
    public override bool ShowsSoftTargetKLPart => true;

    public override IEnumerable<string> ModelOutputMembers(Featurization plan)
    {
        string positive = plan.BooleanLabel && !plan.InvertsLabel
            ? "true" : $"'{ConsumptionCodeWriter.Xml(plan.PositiveClass!)}' (false: '{ConsumptionCodeWriter.Xml(plan.NegativeClass!)}')";
        return
        [
            $"        /// <summary>The predicted class: true for {positive}.</summary>",
            "        [ColumnName(\"PredictedLabel\")]",
            "        public bool PredictedLabel { get; set; }",
            "",
            "        /// <summary>The probability of the positive class.</summary>",
            "        [ColumnName(\"Probability\")]",
            "        public float Probability { get; set; }",
            "",
            "        /// <summary>The student's logit (Score &gt; 0 means PredictedLabel is true).</summary>",
            "        [ColumnName(\"Score\")]",
            "        public float Score { get; set; }",
        ];
    }

    public override string OutputExample => "$\"{output.PredictedLabel} (probability {output.Probability:P1})\"";
}
