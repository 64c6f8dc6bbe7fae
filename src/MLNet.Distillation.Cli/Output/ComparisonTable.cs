using System.Globalization;
using System.Text;

namespace MLNet.Distillation.Cli;

/// <summary>
/// The console's evaluation table: one column per model (teacher, student, then the student from labels alone and the
/// majority-class model beside them), one row per figure, formatted as <see cref="DistillationEvaluation.ToTable"/> and
/// the report format them; then the student-against-teacher figures of the evaluation.
/// </summary>
internal static class ComparisonTable
{
    /// <summary>The table of <paramref name="evaluation"/> with a column for each of <paramref name="others"/>.</summary>
    public static string Render(DistillationEvaluation evaluation, IReadOnlyList<ModelEvaluation> others)
    {
        var models = new[] { evaluation.Teacher, evaluation.Student }.Concat(others).ToArray();
        var rows = new List<string[]>();
        rows.Add(["", .. models.Select(m => m.Name)]);
        foreach (var name in models.SelectMany(m => m.Metrics.Select(x => x.Name)).Distinct())
            rows.Add([name, .. models.Select(m => m.Metrics.FirstOrDefault(x => x.Name == name)?.Value is double value ? Number(value) : "–")]);
        if (models.Any(m => m.Calibration is not null))
            rows.Add(["ECE", .. models.Select(m => Optional(m.Calibration?.ExpectedCalibrationError, "0.0000"))]);
        rows.Add(["Parameters", .. models.Select(m => m.SerializedBytes == 0 && m.ParameterCount == 0 ? "–" : Count(m.ParameterCount))]);
        rows.Add(["Bytes", .. models.Select(m => m.SerializedBytes == 0 ? "–" : Count(m.SerializedBytes))]);
        rows.Add(["Latency p50 (µs)", .. models.Select(m => Optional(m.Latency?.P50Microseconds, "0.0"))]);
        rows.Add(["Latency p95 (µs)", .. models.Select(m => Optional(m.Latency?.P95Microseconds, "0.0"))]);
        rows.Add(["Rows/s (batch)", .. models.Select(m => Count((long?)m.RowsPerSecond))]);

        // The ratios and agreement of the distilled student against its teacher, as the evaluation itself prints them.
        var table = evaluation.ToTable();
        int blank = table.IndexOf("\n\n", StringComparison.Ordinal);
        string summary = blank < 0 ? "" : table[(blank + 2)..];

        int first = Math.Max(rows.Max(r => r[0].Length), 24) + 2;
        var text = new StringBuilder();
        text.Append(evaluation.Task).Append(" on ").Append(evaluation.Rows.ToString("N0", CultureInfo.InvariantCulture)).Append(" rows\n");
        var widths = Enumerable.Range(1, models.Length).Select(c => Math.Max(12, rows.Max(r => r[c].Length) + 2)).ToArray();
        foreach (var row in rows)
            text.Append(row[0].PadRight(first)).Append(string.Concat(row.Skip(1).Select((cell, c) => cell.PadLeft(widths[c])))).Append('\n');
        text.Append('\n').Append(summary);
        return text.ToString();
    }

    /// <summary>A metric as the evaluation's own table writes it (four decimals; one above 100).</summary>
    public static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0.0" : "0.0000", CultureInfo.InvariantCulture);

    private static string Optional(double? value, string format) => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Count(long? value) => value is long v ? v.ToString("N0", CultureInfo.InvariantCulture) : "–";
}
