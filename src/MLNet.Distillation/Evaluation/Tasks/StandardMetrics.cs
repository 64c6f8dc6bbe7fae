using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A model's standard metrics for its task (<see cref="TaskEvaluation.Metrics"/>): the figures the tables show, in order,
/// and ML.NET's own metrics object for the task (the other two are null).
/// </summary>
/// <param name="Values">The task's metrics as the evaluation table lists them, with their direction.</param>
/// <param name="Binary">ML.NET's binary metrics, for a binary task.</param>
/// <param name="Multiclass">ML.NET's multiclass metrics, for a multiclass task.</param>
/// <param name="Regression">ML.NET's regression metrics, for a regression task.</param>
internal sealed record StandardMetrics(IReadOnlyList<MetricValue> Values, BinaryClassificationMetrics? Binary,
    MulticlassClassificationMetrics? Multiclass, RegressionMetrics? Regression);
