using System.Globalization;
using MLNet.Distillation.Tests.Reporting;

namespace MLNet.Distillation.Tests.Evaluation;

/// <summary>
/// The one table every rendering of an evaluation shows (console text, Markdown, the HTML report, the command line's
/// comparison): its figures and comparisons computed from the records by hand here, its text layout pinned, and the
/// renderings holding the same cells.
/// </summary>
public sealed class EvaluationTableTests
{
    private static string F4(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Ratio(double v) => v.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    [Fact]
    public void Teacher_and_student_print_as_figures_then_the_students_ratios_under_the_first_column()
    {
        var teacher = new ModelEvaluation("teacher", [new("Accuracy", 0.9647, true), new("LogLoss", 0.3127, false)], null, 75_008,
            new LatencyStatistics(11.6, 14.5, 12, 100), 79_778, null, []);
        var student = new ModelEvaluation("student", [new("Accuracy", 0.9706, true), new("LogLoss", 0.3211, false)], 2_049, 10_366,
            new LatencyStatistics(4.7, 5.4, 5, 100), 107_428, null, []);
        var evaluation = new DistillationEvaluation(DistillationTask.BinaryClassification, 170, teacher, student, new TeacherAgreement(0.9824, 0.1394, null));

        // Label column: the longest label ("Agreement with teacher", 22) + 2; each value column its longest cell + 2, at least 12.
        string expected = string.Join("\n",
            "BinaryClassification on 170 rows",
            "                             teacher     student",
            "Accuracy                      0.9647      0.9706",
            "LogLoss                       0.3127      0.3211",
            "Parameters                         –       2,049",
            "Bytes                         75,008      10,366",
            "Latency p50 (µs)                11.6         4.7",
            "Latency p95 (µs)                14.5         5.4",
            "Rows/s (batch)                79,778     107,428",
            "",
            "Agreement with teacher       98.24 %",
            "KL(teacher ‖ student)         0.1394",
            "Accuracy kept                100.6 %",           // 0.9706 / 0.9647
            "Compression (bytes)            7.24×",            // 75,008 / 10,366
            "Speed-up (p50)                 2.47×",            // 11.6 / 4.7
            "Throughput ratio               1.35×",            // 107,428 / 79,778
            "");
        Assert.Equal(expected, evaluation.ToTable().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Other_models_get_a_column_of_figures_and_of_comparisons_and_a_model_without_size_shows_none()
    {
        var evaluation = ReportSamples.Multiclass();
        var scratch = ReportSamples.Other(evaluation, "scratch");
        var constant = scratch with { Name = "always 'class_1'", ParameterCount = 0, SerializedBytes = 0, Latency = null, RowsPerSecond = null };
        var table = EvaluationTable.Of(evaluation, [scratch, constant]);

        Assert.Equal(["teacher", "student", "scratch", "always 'class_1'"], table.Models);
        Assert.Equal(["student", "scratch", "always 'class_1'"], table.ComparedModels);
        var figures = table.Figures.ToDictionary(r => r.Label, r => r.Cells);
        Assert.Equal([F4(0.963), F4(0.944), F4(scratch.Metric("MicroAccuracy")), F4(scratch.Metric("MicroAccuracy"))], figures["MicroAccuracy"]);
        Assert.Equal(["2,400,000", "9,800", scratch.SerializedBytes.ToString("N0", CultureInfo.InvariantCulture), "–"], figures["Bytes"]);
        Assert.Equal("–", figures["Parameters"][3]);
        Assert.Equal("–", figures["Latency p50 (µs)"][3]);

        var comparisons = table.Comparisons.ToDictionary(r => r.Label, r => r.Cells);
        Assert.Equal(["96.20 %", "–", "–"], comparisons["Agreement with teacher"]); // measured for the distilled student only
        Assert.Equal([Ratio(2_400_000 / 9_800.0), Ratio(2_400_000.0 / scratch.SerializedBytes), "–"], comparisons["Compression (bytes)"]);
        Assert.Equal([Ratio(310 / 21.0), Ratio(310 / scratch.Latency!.P50Microseconds), "–"], comparisons["Speed-up (p50)"]);
        string Kept(double accuracy) => (accuracy / 0.963).ToString("P1", CultureInfo.InvariantCulture);
        Assert.Equal([Kept(0.944), Kept(scratch.Metric("MicroAccuracy")), Kept(scratch.Metric("MicroAccuracy"))], comparisons["MicroAccuracy kept"]);
        Assert.Equal(["Agreement with teacher", "KL(teacher ‖ student)", "MicroAccuracy kept", "Compression (bytes)", "Compression (parameters)", "Speed-up (p50)", "Throughput ratio"],
            table.Comparisons.Select(r => r.Label));

        // Text and Markdown hold the same cells, in the same rows.
        var text = table.ToText().Split('\n');
        var markdown = table.ToMarkdown().Split('\n');
        foreach (var row in table.Figures.Concat(table.Comparisons))
        {
            Assert.Contains(text, line => line.StartsWith(row.Label + " ", StringComparison.Ordinal)
                && line[row.Label.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).SequenceEqual(row.Cells.SelectMany(c => c.Split(' '))));
            Assert.Contains($"| {row.Label} | {string.Join(" | ", row.Cells)} |", markdown);
        }
        Assert.Contains("| Against the teacher | student | scratch | always 'class_1' |", markdown);
    }
}
