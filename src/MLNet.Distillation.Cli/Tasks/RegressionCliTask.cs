using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// A number: any numeric label the classifiers leave; no classes and no softening temperature; LightGbm's regression
/// trainer as teacher, R² for the sweep, and the models' predictions against the true values in the report.
/// </summary>
internal sealed class RegressionCliTask : CliTask
{
    public static RegressionCliTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.Regression;

    public override string Name => "regression";

    public override bool HasClasses => false;

    /// <summary>The student matches the teacher's predictions: there is nothing to soften.</summary>
    public override bool HasTemperature => false;

    /// <summary>Numbers the classifiers left: many distinct whole numbers, or numbers with fractions.</summary>
    public override string? Claim(InferredColumn label)
    {
        if (label.Kind != ColumnKind.Numeric)
            return null;
        return label.AllIntegers ? $"{DistinctCount(label)} distinct numbers" : "its values are numbers with fractions";
    }

    protected override void CheckLabel(InferredColumn label, string fileName, string values)
    {
        if (label.Kind != ColumnKind.Numeric)
            throw CliException.BadInput($"--task regression: label '{label.Name}' in {fileName} is not numeric (values such as {values}). " +
                "Use --task multiclass or binary.");
    }

    public override IEstimator<ITransformer> LightGbm(MLContext mlContext, string label, string features)
        => mlContext.Regression.Trainers.LightGbm(label, features);

    public override double SearchScore(MLContext mlContext, IDataView scored)
        => mlContext.Regression.Evaluate(scored, Featurization.LabelColumn).RSquared;

    public override IReadOnlyList<(string Name, bool HigherIsBetter, string[] Aliases)> Metrics { get; } =
    [
        ("RootMeanSquaredError", false, ["rmse"]), ("MeanAbsoluteError", false, ["mae"]), ("RSquared", true, ["r2"]),
    ];

    public override bool ReportsPredictions => true;

    public override IEnumerable<string> ModelOutputMembers(Featurization plan) =>
    [
        $"        /// <summary>The predicted '{ConsumptionCodeWriter.Xml(plan.Label.Name)}', in its units.</summary>",
        "        [ColumnName(\"Score\")]",
        "        public float Score { get; set; }",
    ];

    public override string OutputExample => "output.Score";
}
