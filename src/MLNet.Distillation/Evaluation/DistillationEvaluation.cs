using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNet.Distillation;

/// <summary>
/// Teacher and student measured on the same rows: ML.NET's metrics for both, how closely the student follows the teacher,
/// calibration, size and speed, and the ratios a distillation user decides on. From
/// <see cref="DistillationCatalog.Evaluate(Microsoft.ML.ITransformer, Microsoft.ML.ITransformer, Microsoft.ML.IDataView, EvaluationOptions)"/>.
/// </summary>
/// <param name="Task">The task, from the label column's type.</param>
/// <param name="Rows">Rows evaluated.</param>
/// <param name="Teacher">The teacher's figures.</param>
/// <param name="Student">The student's figures.</param>
/// <param name="Agreement">Agreement between the two.</param>
public sealed record DistillationEvaluation(DistillationTask Task, long Rows, ModelEvaluation Teacher, ModelEvaluation Student,
    TeacherAgreement Agreement)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// The metric <see cref="QualityKept"/> compares: <c>MicroAccuracy</c> (multiclass), <c>Accuracy</c> (binary),
    /// <c>RootMeanSquaredError</c> (regression).
    /// </summary>
    public string PrimaryMetric => PrimaryMetricOf(Task);

    /// <summary>
    /// The student's share of the teacher's quality: classifiers, student accuracy / teacher accuracy; regression, teacher
    /// RMSE / student RMSE (so that 1 means as good as the teacher and less means worse in both cases). Can exceed 1.
    /// </summary>
    public double QualityKept => QualityKeptOf(Task, Teacher, Student);

    /// <summary>Teacher bytes / student bytes (serialized models).</summary>
    public double CompressionRatio => (double)Teacher.SerializedBytes / Student.SerializedBytes;

    /// <summary>Teacher parameters / student parameters, or null when either count is unknown.</summary>
    public double? ParameterRatio => ParameterRatioOf(Teacher, Student);

    /// <summary>Teacher p50 latency / student p50 latency (above 1: the student is faster), or null when speed was not measured.</summary>
    public double? SpeedUp => SpeedUpOf(Teacher, Student);

    /// <summary>Student rows per second / teacher rows per second in batch, or null when speed was not measured.</summary>
    public double? ThroughputRatio => ThroughputRatioOf(Teacher, Student);

    /// <summary><see cref="QualityKept"/> of any model against a teacher.</summary>
    internal static double QualityKeptOf(DistillationTask task, ModelEvaluation teacher, ModelEvaluation model)
    {
        var kind = TrainingTask.Of(task);
        double t = teacher.Metric(kind.PrimaryMetric), m = model.Metric(kind.PrimaryMetric);
        return kind.PrimaryMetricHigherIsBetter ? m / t : t / m;
    }

    /// <summary><see cref="ParameterRatio"/> of any model against a teacher.</summary>
    internal static double? ParameterRatioOf(ModelEvaluation teacher, ModelEvaluation model)
        => teacher.ParameterCount is long t && model.ParameterCount is long m && m > 0 ? (double)t / m : null;

    /// <summary><see cref="SpeedUp"/> of any model against a teacher.</summary>
    internal static double? SpeedUpOf(ModelEvaluation teacher, ModelEvaluation model)
        => teacher.Latency is { } t && model.Latency is { } m && m.P50Microseconds > 0 ? t.P50Microseconds / m.P50Microseconds : null;

    /// <summary><see cref="ThroughputRatio"/> of any model against a teacher.</summary>
    internal static double? ThroughputRatioOf(ModelEvaluation teacher, ModelEvaluation model)
        => teacher.RowsPerSecond is double t && model.RowsPerSecond is double m && t > 0 ? m / t : null;

    /// <summary>The primary metric of a task (see <see cref="PrimaryMetric"/>).</summary>
    /// <param name="task">The task.</param>
    public static string PrimaryMetricOf(DistillationTask task) => TrainingTask.Of(task).PrimaryMetric;

    /// <summary>
    /// The evaluation as indented JSON (camelCase names; ML.NET's metric objects are left out, their values are in
    /// <c>metrics</c>).
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads an evaluation written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="JsonException">The text is not an evaluation.</exception>
    public static DistillationEvaluation FromJson(string json)
        => JsonSerializer.Deserialize<DistillationEvaluation>(json, Json) ?? throw new JsonException("The JSON text is null, not an evaluation.");

    /// <summary>
    /// A plain-text table for the console: one column per model, one row per figure, then the ratios
    /// (<see cref="EvaluationTable.ToText"/>).
    /// </summary>
    public string ToTable() => EvaluationTable.Of(this).ToText();

    /// <summary>The same table as GitHub Markdown (<see cref="EvaluationTable.ToMarkdown"/>).</summary>
    public string ToMarkdown() => EvaluationTable.Of(this).ToMarkdown();

    /// <inheritdoc cref="ToTable"/>
    public override string ToString() => ToTable();
}
