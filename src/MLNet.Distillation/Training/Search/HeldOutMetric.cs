using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// How runs of many students (the temperature and alpha search, self-distillation) score each student on held-out rows:
/// ML.NET's evaluator for the task, one number where higher is better.
/// </summary>
internal sealed record HeldOutMetric(string Name, Func<IDataView, double> Score)
{
    public static HeldOutMetric MicroAccuracy(MLContext ml, string labelColumnName)
        => new("micro accuracy", scored => ml.MulticlassClassification.Evaluate(scored, labelColumnName).MicroAccuracy);

    public static HeldOutMetric Auc(MLContext ml, string labelColumnName)
        => new("AUC", scored => ml.BinaryClassification.Evaluate(scored, labelColumnName).AreaUnderRocCurve);

    public static HeldOutMetric RSquared(MLContext ml, string labelColumnName)
        => new("R²", scored => ml.Regression.Evaluate(scored, labelColumnName).RSquared);
}
