using System.Text.Json.Serialization;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>One model measured on one data set: ML.NET's metrics, calibration, size and speed.</summary>
/// <param name="Name">How reports name the model (e.g. <c>teacher</c>, <c>student</c>).</param>
/// <param name="Metrics">The task's standard metrics from ML.NET's evaluator, in a fixed order per task.</param>
/// <param name="ParameterCount">Trainable parameters when known: a student trained in this process gives its count; an
/// ONNX teacher, or a model loaded from a file (a saved student), the elements of its ONNX graphs' initializers (which
/// include a few constants: an input standardisation kept in the graph, reshape shapes); null for tree models and other stages
/// that do not tell.</param>
/// <param name="SerializedBytes">Size of the model as <c>mlContext.Model.Save</c> writes it (an ONNX teacher: its file).</param>
/// <param name="Latency">Single-row latency through ML.NET's row-to-row mapper (what <c>PredictionEngine</c> uses; a
/// <see cref="MLNet.Distillation.Teacher"/>: one row through its own scoring, e.g. an ONNX Runtime run on a batch of
/// one), or null when speed was not measured.</param>
/// <param name="RowsPerSecond">Batch throughput of <c>Transform</c> over the evaluation data, or null when speed was not measured.</param>
/// <param name="Calibration">Classifiers: ECE and reliability bins; null for regression.</param>
/// <param name="PerClassAccuracy">Classifiers: accuracy per true class; empty for regression.</param>
public sealed record ModelEvaluation(
    string Name,
    IReadOnlyList<MetricValue> Metrics,
    long? ParameterCount,
    long SerializedBytes,
    LatencyStatistics? Latency,
    double? RowsPerSecond,
    CalibrationSummary? Calibration,
    IReadOnlyList<ClassAccuracy> PerClassAccuracy)
{
    /// <summary>The value of a metric by name.</summary>
    /// <param name="name">A name from <see cref="Metrics"/>.</param>
    /// <exception cref="KeyNotFoundException">The model has no metric of that name (the message lists those it has).</exception>
    public double Metric(string name)
        => Metrics.FirstOrDefault(m => m.Name == name)?.Value
           ?? throw new KeyNotFoundException($"No metric '{name}'; this evaluation has {string.Join(", ", Metrics.Select(m => m.Name))}.");

    /// <summary>ML.NET's binary metrics object (binary classification only; not serialised).</summary>
    [JsonIgnore] public BinaryClassificationMetrics? BinaryMetrics { get; init; }

    /// <summary>ML.NET's multiclass metrics object, confusion matrix included (multiclass only; not serialised).</summary>
    [JsonIgnore] public MulticlassClassificationMetrics? MulticlassMetrics { get; init; }

    /// <summary>ML.NET's regression metrics object (regression only; not serialised).</summary>
    [JsonIgnore] public RegressionMetrics? RegressionMetrics { get; init; }
}
