using System.Text.Json;
using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Commands;

/// <summary>
/// The verdict of <c>distill train</c> against the student from labels alone: on the right metric (the minority class on
/// imbalanced data, <c>--metric</c>), beside the majority class, over several seeds with the same early stopping, and
/// with the class the user calls positive.
/// </summary>
public sealed class VerdictTests
{
    [Fact]
    public void An_imbalanced_table_shows_the_majority_class_beside_every_classifier_and_is_judged_on_the_minority_class()
    {
        using var folder = new TempFolder();
        var data = Tables.Binary(folder, "fraud.csv", rows: 300, positiveShare: 0.07);
        var (code, output, error) = Distill.Run("train", "--data", data, "--label", "label", "--out", folder["out"], "--teacher", "lightgbm", "--epochs", "20");
        Assert.True(code == 0, error);
        Assert.Contains("Warning: the classes are imbalanced: always answering 'no' scores", output);
        Assert.Contains("Verdict metric: F1 of 'yes', the minority class (the classes are imbalanced", output);
        Assert.Matches(@"teacher +student +student from labels alone +always 'no'", output);
        Assert.Matches(@"Note: the student predicts 'yes' \(the minority class\) for \d+ of \d+ test rows; \d+ are 'yes'\.", output);
        Assert.Contains("F1 of 'yes', the minority class, over 3 seeds (0, 1, 2)", output);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["out"], "metrics.json")));
        var majority = metrics.RootElement.GetProperty("majorityClass");
        Assert.Equal("always 'no'", majority.GetProperty("name").GetString());
        long rows = metrics.RootElement.GetProperty("rows").GetInt64();
        var classes = majority.GetProperty("perClassAccuracy").EnumerateArray().ToDictionary(c => c.GetProperty("className").GetString()!, c => c.GetProperty("rows").GetInt64());
        Assert.Equal((double)classes["no"] / rows, Metric(majority, "Accuracy"), 6);   // always 'no' is right on every 'no' row
        Assert.Equal(0, Metric(majority, "F1Score"));
        var verdict = metrics.RootElement.GetProperty("verdict");
        Assert.Equal("minority-f1", verdict.GetProperty("metricName").GetString());
        Assert.Equal("yes", verdict.GetProperty("minorityClass").GetString());

        // distill evaluate prints the same floor beside the saved models: the constant that answers --data's own most common class.
        (code, output, error) = Distill.Run("evaluate", "--teacher", Path.Combine(folder["out"], "teacher.zip"), "--student", Path.Combine(folder["out"], "student.zip"),
            "--data", data, "--label", "label", "--out", folder["evaluated"]);
        Assert.True(code == 0, error);
        Assert.Contains("Warning: the classes are imbalanced: always answering 'no' scores", output);
        Assert.Matches(@"teacher +student +always 'no'", output);
        using var evaluated = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["evaluated"], "metrics.json")));
        var floor = evaluated.RootElement.GetProperty("majorityClass");
        var lines = File.ReadAllLines(data).Skip(1).ToArray();
        Assert.Equal(lines.Count(l => l.EndsWith(",no", StringComparison.Ordinal)) / (double)lines.Length, Metric(floor, "Accuracy"), 6);
        Assert.Equal(["no", "yes"], floor.GetProperty("perClassAccuracy").EnumerateArray().Select(c => c.GetProperty("className").GetString()));
        Assert.Contains(evaluated.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("imbalanced"));
        Assert.Equal("evaluate", evaluated.RootElement.GetProperty("settings").GetProperty("command").GetString());
        Assert.Equal(300, DistillationEvaluation.FromJson(evaluated.RootElement.GetRawText()).Rows);
    }

    [Fact]
    public void Positive_and_metric_choose_the_positive_class_and_the_verdicts_metric()
    {
        using var folder = new TempFolder();
        var data = Tables.Binary(folder, "churn.csv", rows: 120, positiveShare: 0.4, negative: "stays", positive: "leaves");
        var (code, output, error) = Distill.Run("train", "--data", data, "--label", "label", "--out", folder["out"], "--teacher", "lightgbm", "--epochs", "10",
            "--positive", "stays", "--metric", "auc", "--seeds", "2");
        Assert.True(code == 0, error);
        Assert.Contains("Label: 'stays' is the positive class (true), 'leaves' the negative one.", output);
        Assert.Contains("Verdict metric: AreaUnderRocCurve (--metric).", output);
        Assert.Contains("AreaUnderRocCurve, over 2 seeds (0, 1)", output);
        Assert.Contains("true for 'stays' (false: 'leaves')", File.ReadAllText(Path.Combine(folder["out"], "StudentModel.consumption.cs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["out"], "metrics.json")));
        Assert.Equal("AreaUnderRocCurve", metrics.RootElement.GetProperty("verdict").GetProperty("metricName").GetString());
        Assert.Equal("stays", metrics.RootElement.GetProperty("settings").GetProperty("positiveClass").GetString());
    }

    [Fact]
    public void The_student_from_labels_alone_trains_with_the_same_validation_rows_and_early_stopping_over_three_seeds()
    {
        using var folder = new TempFolder();
        var data = Tables.Binary(folder, "small.csv", rows: 150, positiveShare: 0.5);
        var (code, output, error) = Distill.Run("train", "--data", data, "--label", "label", "--out", folder["out"], "--teacher", "lightgbm", "--epochs", "30");
        Assert.True(code == 0, error);
        Assert.Matches(@"Early stopping: \d+ of the \d+ training rows held out for validation; every student keeps its best epoch and stops after 10 epochs without a better one\.", output);
        Assert.Matches(@"Student: MLP 3-64-1, 321 parameters, best epoch \d+ of \d+", output);
        Assert.Matches(@"Student from labels alone: MLP 3-64-1, 321 parameters, best epoch \d+ of \d+", output);
        Assert.Contains("Accuracy, over 3 seeds (0, 1, 2); both students with the same validation rows and early stopping:", output);
        Assert.Matches(@"(Distillation helped: every distilled seed beat every seed from labels alone|Distillation did not help: every seed from labels alone beat every distilled seed|No difference beyond seed noise: the two students' ranges over 3 seeds overlap)", output);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["out"], "metrics.json")));
        var verdict = metrics.RootElement.GetProperty("verdict");
        Assert.Equal([0, 1, 2], verdict.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(3, verdict.GetProperty("distilled").GetArrayLength());
        Assert.Equal(3, verdict.GetProperty("fromLabelsAlone").GetArrayLength());
        // The --seed students are the ones in the table: their figures open the verdict's lists.
        Assert.Equal(Metric(metrics.RootElement.GetProperty("student"), "Accuracy"), verdict.GetProperty("distilled")[0].GetDouble());
        Assert.Equal(Metric(metrics.RootElement.GetProperty("baseline"), "Accuracy"), verdict.GetProperty("fromLabelsAlone")[0].GetDouble());
        var settings = metrics.RootElement.GetProperty("settings");
        Assert.Equal(10, settings.GetProperty("earlyStoppingPatience").GetInt32());
        Assert.True(settings.GetProperty("validationRows").GetInt64() > 0);
    }

    [Fact]
    public void A_student_slower_than_its_teacher_and_worse_than_labels_alone_is_called_out()
    {
        static ModelEvaluation Model(string name, double rmse, double p50)
            => new(name, [new("RootMeanSquaredError", rmse, false)], 100, 1000, new LatencyStatistics(p50, p50, p50, 100), 1000, null, []);
        var evaluation = new DistillationEvaluation(DistillationTask.Regression, 50, Model("teacher", 1.0, 10), Model("student", 2.0, 25), new TeacherAgreement(null, null, 0.5));
        var metric = VerdictMetric.Choose(null, DistillationTask.Regression, null);
        var worse = new StudentComparison(metric, [0, 1, 2], [2.0, 2.1, 2.2], [1.5, 1.6, 1.4], null, null, 50);
        var warning = Assert.Single(worse.Warnings(evaluation));
        Assert.Contains("slower than its teacher (p50 25.0 µs against 10.0 µs) and worse than the student from labels alone (RootMeanSquaredError 2.1000 against 1.5000)", warning);

        // Faster than the teacher, or better than labels alone: nothing to call out.
        Assert.Empty((worse with { Distilled = [1.0, 1.1, 1.2] }).Warnings(evaluation));
        Assert.Empty(worse.Warnings(evaluation with { Student = Model("student", 2.0, 5) }));
    }

    private static double Metric(JsonElement model, string name)
        => model.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name).GetProperty("value").GetDouble();
}
