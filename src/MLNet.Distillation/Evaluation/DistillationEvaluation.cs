using System.Globalization;
using System.Text;
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
public sealed record DistillationEvaluation(DistillationTask Task, long Rows, ModelEvaluation Teacher, ModelEvaluation Student, TeacherAgreement Agreement)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The metric <see cref="QualityKept"/> compares: <c>MicroAccuracy</c> (multiclass), <c>Accuracy</c> (binary), <c>RootMeanSquaredError</c> (regression).</summary>
    public string PrimaryMetric => PrimaryMetricOf(Task);

    /// <summary>
    /// The student's share of the teacher's quality: classifiers, student accuracy / teacher accuracy; regression, teacher
    /// RMSE / student RMSE (so that 1 means as good as the teacher and less means worse in both cases). Can exceed 1.
    /// </summary>
    public double QualityKept
    {
        get
        {
            double teacher = Teacher.Metric(PrimaryMetric), student = Student.Metric(PrimaryMetric);
            return Task == DistillationTask.Regression ? teacher / student : student / teacher;
        }
    }

    /// <summary>Teacher bytes / student bytes (serialized models).</summary>
    public double CompressionRatio => (double)Teacher.SerializedBytes / Student.SerializedBytes;

    /// <summary>Teacher parameters / student parameters, or null when either count is unknown.</summary>
    public double? ParameterRatio => Teacher.ParameterCount is long t && Student.ParameterCount is long s && s > 0 ? (double)t / s : null;

    /// <summary>Teacher p50 latency / student p50 latency (above 1: the student is faster), or null when speed was not measured.</summary>
    public double? SpeedUp => Teacher.Latency is { } t && Student.Latency is { } s && s.P50Microseconds > 0 ? t.P50Microseconds / s.P50Microseconds : null;

    /// <summary>Student rows per second / teacher rows per second in batch, or null when speed was not measured.</summary>
    public double? ThroughputRatio => Teacher.RowsPerSecond is double t && Student.RowsPerSecond is double s && t > 0 ? s / t : null;

    /// <summary>The primary metric of a task (see <see cref="PrimaryMetric"/>).</summary>
    /// <param name="task">The task.</param>
    public static string PrimaryMetricOf(DistillationTask task) => task switch
    {
        DistillationTask.MulticlassClassification => "MicroAccuracy",
        DistillationTask.BinaryClassification => "Accuracy",
        _ => "RootMeanSquaredError",
    };

    /// <summary>The evaluation as indented JSON (camelCase names; ML.NET's metric objects are left out, their values are in <c>metrics</c>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads an evaluation written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="JsonException">The text is not an evaluation.</exception>
    public static DistillationEvaluation FromJson(string json)
        => JsonSerializer.Deserialize<DistillationEvaluation>(json, Json) ?? throw new JsonException("The JSON text is null, not an evaluation.");

    /// <summary>A plain-text table for the console: one column per model, one row per figure, then the ratios.</summary>
    public string ToTable() => Render(markdown: false);

    /// <summary>The same table as GitHub Markdown.</summary>
    public string ToMarkdown() => Render(markdown: true);

    /// <inheritdoc cref="ToTable"/>
    public override string ToString() => ToTable();

    private string Render(bool markdown)
    {
        var rows = new List<string[]> { new[] { "", Teacher.Name, Student.Name } };
        foreach (var metric in Teacher.Metrics)
            rows.Add([metric.Name, Number(metric.Value), Student.Metrics.FirstOrDefault(m => m.Name == metric.Name) is { } s ? Number(s.Value) : "–"]);
        if (Teacher.Calibration is not null || Student.Calibration is not null)
            rows.Add(["ECE", Optional(Teacher.Calibration?.ExpectedCalibrationError), Optional(Student.Calibration?.ExpectedCalibrationError)]);
        rows.Add(["Parameters", Count(Teacher.ParameterCount), Count(Student.ParameterCount)]);
        rows.Add(["Bytes", Count(Teacher.SerializedBytes), Count(Student.SerializedBytes)]);
        rows.Add(["Latency p50 (µs)", Optional(Teacher.Latency?.P50Microseconds, "0.0"), Optional(Student.Latency?.P50Microseconds, "0.0")]);
        rows.Add(["Latency p95 (µs)", Optional(Teacher.Latency?.P95Microseconds, "0.0"), Optional(Student.Latency?.P95Microseconds, "0.0")]);
        rows.Add(["Rows/s (batch)", Count((long?)Teacher.RowsPerSecond), Count((long?)Student.RowsPerSecond)]);

        var summary = new List<(string, string)>();
        if (Agreement.Fidelity is double f) summary.Add(("Agreement with teacher", f.ToString("P2", CultureInfo.InvariantCulture)));
        if (Agreement.KLDivergence is double kl) summary.Add(("KL(teacher ‖ student)", Number(kl)));
        if (Agreement.RmseToTeacher is double r) summary.Add(("RMSE to teacher", Number(r)));
        summary.Add(($"{PrimaryMetric} kept", QualityKept.ToString("P1", CultureInfo.InvariantCulture)));
        summary.Add(("Compression (bytes)", Ratio(CompressionRatio)));
        if (ParameterRatio is double p) summary.Add(("Compression (parameters)", Ratio(p)));
        if (SpeedUp is double u) summary.Add(("Speed-up (p50)", Ratio(u)));
        if (ThroughputRatio is double t) summary.Add(("Throughput ratio", Ratio(t)));

        var text = new StringBuilder();
        string title = $"{Task} on {Rows.ToString("N0", CultureInfo.InvariantCulture)} rows";
        if (markdown)
        {
            text.AppendLine($"**{title}**").AppendLine();
            text.AppendLine($"| {string.Join(" | ", rows[0])} |");
            text.AppendLine($"|{string.Join("|", rows[0].Select((_, i) => i == 0 ? "---" : "---:"))}|");
            foreach (var row in rows.Skip(1))
                text.AppendLine($"| {string.Join(" | ", row)} |");
            text.AppendLine().AppendLine("| Student vs teacher | |").AppendLine("|---|---:|");
            foreach (var (name, value) in summary)
                text.AppendLine($"| {name} | {value} |");
        }
        else
        {
            int first = Math.Max(rows.Max(r => r[0].Length), summary.Max(s => s.Item1.Length)) + 2;
            int width = Math.Max(12, rows.SelectMany(r => r.Skip(1)).Max(c => c.Length) + 2);
            text.AppendLine(title);
            foreach (var row in rows)
                text.AppendLine(row[0].PadRight(first) + string.Concat(row.Skip(1).Select(c => c.PadLeft(width))));
            text.AppendLine();
            foreach (var (name, value) in summary)
                text.AppendLine(name.PadRight(first) + value.PadLeft(width));
        }
        return text.ToString();
    }

    private static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0.0" : "0.0000", CultureInfo.InvariantCulture);
    private static string Optional(double? value, string format = "0.0000") => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
    private static string Count(long? value) => value is long v ? v.ToString("N0", CultureInfo.InvariantCulture) : "–";
    private static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "×";
}
