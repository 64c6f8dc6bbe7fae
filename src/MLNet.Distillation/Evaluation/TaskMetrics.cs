using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A model's standard metrics from ML.NET's own evaluators, run on a data view of the labelled rows and the model's
/// predictions as the task's standard columns. Rows whose label is missing are left out, as ML.NET's evaluators do.
/// </summary>
internal static class TaskMetrics
{
    public static (IReadOnlyList<MetricValue> Values, BinaryClassificationMetrics? Binary, MulticlassClassificationMetrics? Multiclass, RegressionMetrics? Regression)
        Compute(MLContext ml, EvaluationLabels labels, ModelOutputs outputs)
    {
        var rows = ClassifierFigures.LabelledRows(labels).ToArray();
        if (rows.Length == 0)
            throw new ArgumentException("The evaluation data has no labelled rows: every label is missing.");
        switch (labels.Task)
        {
            case DistillationTask.MulticlassClassification:
            {
                int k = labels.ClassCount;
                // LoadFromEnumerable reads a key property as a 0-based index (it writes index + 1; an index ≥ k is missing).
                var view = ml.Data.LoadFromEnumerable(rows.Select(r => new MulticlassRow
                {
                    Label = (uint)labels.Values[r],
                    Score = outputs.Probabilities.AsSpan(r * k, k).ToArray(),
                    PredictedLabel = outputs.Predicted![r] < 0 ? (uint)k : (uint)outputs.Predicted[r],
                }), MulticlassDefinition(k));
                var m = ml.MulticlassClassification.Evaluate(view);
                return ([
                    new("MicroAccuracy", m.MicroAccuracy, true),
                    new("MacroAccuracy", m.MacroAccuracy, true),
                    new("MacroF1", DistillationMetrics.MacroF1(m.ConfusionMatrix), true),
                    new("LogLoss", m.LogLoss, false),
                    new("LogLossReduction", m.LogLossReduction, true),
                ], null, m, null);
            }
            case DistillationTask.BinaryClassification:
            {
                var view = ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow
                {
                    Label = labels.Values[r] == 1,
                    Score = outputs.Scores![r],
                    Probability = outputs.Probabilities?[r] ?? 0,
                    PredictedLabel = outputs.Predicted![r] == 1,
                }));
                BinaryClassificationMetrics m;
                var values = new List<MetricValue>();
                if (outputs.Probabilities is not null)
                {
                    var calibrated = ml.BinaryClassification.Evaluate(view);
                    m = calibrated;
                    Add(values, m);
                    values.Add(new("LogLoss", calibrated.LogLoss, false));
                    values.Add(new("LogLossReduction", calibrated.LogLossReduction, true));
                }
                else
                {
                    m = ml.BinaryClassification.EvaluateNonCalibrated(view);
                    Add(values, m);
                }
                return (values, m, null, null);
            }
            default:
            {
                var view = ml.Data.LoadFromEnumerable(rows.Select(r => new RegressionRow { Label = labels.Values[r], Score = outputs.Scores![r] }));
                var m = ml.Regression.Evaluate(view);
                return ([
                    new("RootMeanSquaredError", m.RootMeanSquaredError, false),
                    new("MeanAbsoluteError", m.MeanAbsoluteError, false),
                    new("RSquared", m.RSquared, true),
                ], null, null, m);
            }
        }
    }

    private static void Add(List<MetricValue> values, BinaryClassificationMetrics m)
    {
        values.Add(new("Accuracy", m.Accuracy, true));
        values.Add(new("AreaUnderRocCurve", m.AreaUnderRocCurve, true));
        values.Add(new("AreaUnderPrecisionRecallCurve", m.AreaUnderPrecisionRecallCurve, true));
        values.Add(new("F1Score", m.F1Score, true));
    }

    private static SchemaDefinition MulticlassDefinition(int classes)
    {
        var definition = SchemaDefinition.Create(typeof(MulticlassRow));
        definition[nameof(MulticlassRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        definition[nameof(MulticlassRow.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        definition[nameof(MulticlassRow.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
        return definition;
    }

    private sealed class MulticlassRow
    {
        public uint Label { get; set; }
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
    }
}
