using System.Globalization;
using System.Text;

namespace MLNet.Distillation;

/// <summary>
/// An evaluation as one table of figures, formatted once: a column per model (the teacher, the student, then any other
/// models measured on the same rows, such as the student from labels alone), a row per figure; then the comparisons of
/// each model but the teacher with the teacher. The console text, Markdown and the HTML report all render this one table,
/// so they show the same figures with the same formatting. Read it as data from <see cref="Figures"/> and
/// <see cref="Comparisons"/>, or as text from <see cref="ToText"/> and <see cref="ToMarkdown"/>.
/// </summary>
/// <param name="Title">The task and the rows, e.g. <c>BinaryClassification on 569 rows</c>.</param>
/// <param name="Models">The figures' column names: the teacher's, the student's, then the other models'.</param>
/// <param name="Figures">One row per figure, a cell per model in <see cref="Models"/>' order (<c>–</c> where a model has no value).</param>
/// <param name="ComparedModels">The comparisons' column names: every model of <see cref="Models"/> but the teacher.</param>
/// <param name="Comparisons">One row per comparison with the teacher, a cell per model in <see cref="ComparedModels"/>' order.</param>
public sealed record EvaluationTable(string Title, IReadOnlyList<string> Models, IReadOnlyList<EvaluationTableRow> Figures,
    IReadOnlyList<string> ComparedModels, IReadOnlyList<EvaluationTableRow> Comparisons)
{
    /// <summary>The no-value cell.</summary>
    public const string Missing = "–";

    /// <summary>The table of <paramref name="evaluation"/>, with a column for each of <paramref name="others"/>.</summary>
    /// <param name="evaluation">Teacher and student on the same rows.</param>
    /// <param name="others">Further models measured on those rows (compared with the same teacher; only the student has
    /// agreement figures). A model with no serialized size (<see cref="ModelEvaluation.SerializedBytes"/> 0, e.g. a
    /// constant baseline) shows no size.</param>
    public static EvaluationTable Of(DistillationEvaluation evaluation, IReadOnlyList<ModelEvaluation>? others = null)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        others ??= [];
        var (teacher, student) = (evaluation.Teacher, evaluation.Student);
        var models = new[] { teacher, student }.Concat(others).ToArray();
        bool Sized(int column) => column < 2 || models[column].SerializedBytes > 0;

        var figures = new List<EvaluationTableRow>();
        foreach (var name in models.SelectMany(m => m.Metrics.Select(x => x.Name)).Distinct())
            figures.Add(Row(name, models.Select(m => m.Metrics.FirstOrDefault(x => x.Name == name) is { } metric ? Number(metric.Value) : Missing)));
        if (models.Any(m => m.Calibration is not null))
            figures.Add(Row("ECE", models.Select(m => Optional(m.Calibration?.ExpectedCalibrationError))));
        figures.Add(Row("Parameters", models.Select((m, i) => Sized(i) ? Count(m.ParameterCount) : Missing)));
        figures.Add(Row("Bytes", models.Select((m, i) => Sized(i) ? Count(m.SerializedBytes) : Missing)));
        figures.Add(Row("Latency p50 (µs)", models.Select(m => Optional(m.Latency?.P50Microseconds, "0.0"))));
        figures.Add(Row("Latency p95 (µs)", models.Select(m => Optional(m.Latency?.P95Microseconds, "0.0"))));
        figures.Add(Row("Rows/s (batch)", models.Select(m => Count((long?)m.RowsPerSecond))));

        // Each compared model against the same teacher; the agreement figures were measured for the distilled student only.
        var compared = models.Skip(1).ToArray();
        var cells = compared.Select((model, i) => CompareWithTeacher(evaluation.Task, teacher, model, i == 0 ? evaluation.Agreement : null,
            Sized(i + 1))).ToArray();
        var labels = cells.SelectMany(c => c.Keys).Distinct().OrderBy(l => ComparisonOrder.IndexOf(l)).ToArray();
        var comparisons = labels.Select(label => Row(label, cells.Select(c => c.TryGetValue(label, out var value) ? value : Missing))).ToList();

        string title = $"{evaluation.Task} on {evaluation.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows";
        return new EvaluationTable(title, models.Select(m => m.Name).ToArray(), figures, compared.Select(m => m.Name).ToArray(), comparisons);
    }

    /// <summary>
    /// Plain text for the console: the figures with a column per model, then the comparisons with a column per compared
    /// model (the student's alone when there are no others).
    /// </summary>
    public string ToText()
    {
        int first = Math.Max(Figures.Max(r => r.Label.Length), Comparisons.Select(r => r.Label.Length).DefaultIfEmpty(0).Max()) + 2;
        var widths = Widths(Models, Figures);
        var text = new StringBuilder();
        text.AppendLine(Title);
        TextRow(text, "", Models, first, widths);
        foreach (var row in Figures)
            TextRow(text, row.Label, row.Cells, first, widths);
        text.AppendLine();
        // The student alone: its figures under the first column, as a list of ratios; with other models, a column each.
        var comparedWidths = ComparedModels.Count > 1 ? Widths(ComparedModels, Comparisons) : [widths.Max()];
        if (ComparedModels.Count > 1)
            TextRow(text, "", ComparedModels, first, comparedWidths);
        foreach (var row in Comparisons)
            TextRow(text, row.Label, row.Cells, first, comparedWidths);
        return text.ToString();
    }

    /// <summary>Each column's width: its longest cell or name plus two, at least 12.</summary>
    private static int[] Widths(IReadOnlyList<string> names, IReadOnlyList<EvaluationTableRow> rows)
        => names.Select((name, c) => Math.Max(12, rows.Select(r => r.Cells[c].Length).Append(name.Length).Max() + 2)).ToArray();

    private static void TextRow(StringBuilder text, string label, IReadOnlyList<string> cells, int first, int[] widths)
        => text.AppendLine(label.PadRight(first) + string.Concat(cells.Select((cell, c) => cell.PadLeft(widths[c]))));

    /// <summary>The same as GitHub Markdown: a bold title, the figures' table, then the comparisons' table.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"**{Title}**").AppendLine();
        text.AppendLine($"|  | {string.Join(" | ", Models)} |");
        text.AppendLine($"|---|{string.Join("|", Models.Select(_ => "---:"))}|");
        foreach (var row in Figures)
            text.AppendLine($"| {row.Label} | {string.Join(" | ", row.Cells)} |");
        text.AppendLine();
        text.AppendLine(ComparedModels.Count > 1 ? $"| Against the teacher | {string.Join(" | ", ComparedModels)} |" : "| Student vs teacher | |");
        text.AppendLine($"|---|{string.Join("|", ComparedModels.Select(_ => "---:"))}|");
        foreach (var row in Comparisons)
            text.AppendLine($"| {row.Label} | {string.Join(" | ", row.Cells)} |");
        return text.ToString();
    }

    /// <summary>The comparisons' rows in the order every rendering shows them.</summary>
    private static readonly List<string> ComparisonOrder =
    [
        "Agreement with teacher", "KL(teacher ‖ student)", "RMSE to teacher", "MicroAccuracy kept", "Accuracy kept", "RootMeanSquaredError kept",
        "Compression (bytes)", "Compression (parameters)", "Speed-up (p50)", "Throughput ratio",
    ];

    /// <summary>One model against the teacher, by label: agreement (when measured), quality kept, compression, speed.</summary>
    private static Dictionary<string, string> CompareWithTeacher(DistillationTask task, ModelEvaluation teacher, ModelEvaluation model,
        TeacherAgreement? agreement, bool sized)
    {
        var figures = new Dictionary<string, string>();
        if (agreement?.Fidelity is double f) figures["Agreement with teacher"] = f.ToString("P2", CultureInfo.InvariantCulture);
        if (agreement?.KLDivergence is double kl) figures["KL(teacher ‖ student)"] = Number(kl);
        if (agreement?.RmseToTeacher is double r) figures["RMSE to teacher"] = Number(r);
        string primary = DistillationEvaluation.PrimaryMetricOf(task);
        figures[$"{primary} kept"] = DistillationEvaluation.QualityKeptOf(task, teacher, model).ToString("P1", CultureInfo.InvariantCulture);
        figures["Compression (bytes)"] = sized ? Ratio((double)teacher.SerializedBytes / model.SerializedBytes) : Missing;
        if (DistillationEvaluation.ParameterRatioOf(teacher, model) is double p) figures["Compression (parameters)"] = sized ? Ratio(p) : Missing;
        if (DistillationEvaluation.SpeedUpOf(teacher, model) is double u) figures["Speed-up (p50)"] = Ratio(u);
        if (DistillationEvaluation.ThroughputRatioOf(teacher, model) is double t) figures["Throughput ratio"] = Ratio(t);
        return figures;
    }

    private static EvaluationTableRow Row(string label, IEnumerable<string> cells) => new(label, cells.ToArray());

    /// <summary>A metric: four decimals, one above 100.</summary>
    private static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0.0" : "0.0000", CultureInfo.InvariantCulture);
    private static string Optional(double? value, string format = "0.0000")
        => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : Missing;
    private static string Count(long? value) => value is long v ? v.ToString("N0", CultureInfo.InvariantCulture) : Missing;
    private static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "×";
}

/// <summary>One row of an <see cref="EvaluationTable"/>: what it measures and a formatted cell per column.</summary>
/// <param name="Label">What the row measures, e.g. <c>Accuracy</c> or <c>Speed-up (p50)</c>.</param>
/// <param name="Cells">One formatted value per column (<see cref="EvaluationTable.Missing"/> where there is none).</param>
public sealed record EvaluationTableRow(string Label, IReadOnlyList<string> Cells);
