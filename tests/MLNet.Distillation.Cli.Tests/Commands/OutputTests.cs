using System.Text.Json;
using MLNet.Distillation.Cli.Tests.Support;
using MLNet.Distillation.Reporting;

namespace MLNet.Distillation.Cli.Tests.Commands;

/// <summary>
/// What <c>distill train</c> writes and prints beyond the tables: the user's class names, the regression notes and
/// charts, the soft-target loss that can reach 0, metrics.json's baseline and settings, and the default teacher.
/// </summary>
public sealed class OutputTests
{
    [Fact]
    public void Class_names_are_the_label_columns_own_in_metrics_json_and_the_report()
    {
        using var folder = new TempFolder();
        var data = Tables.Binary(folder, "credit.csv", rows: 120, positiveShare: 0.5, negative: "bad", positive: "good");
        var (code, output, error) = Distill.Run("train", "--data", data, "--label", "label", "--out", folder["out"], "--teacher", "lightgbm", "--epochs", "5");
        Assert.True(code == 0, error);
        var json = File.ReadAllText(Path.Combine(folder["out"], "metrics.json"));
        using var metrics = JsonDocument.Parse(json);
        foreach (var model in new[] { "teacher", "student", "baseline", "majorityClass" })
            Assert.Equal(["bad", "good"], metrics.RootElement.GetProperty(model).GetProperty("perClassAccuracy").EnumerateArray().Select(c => c.GetProperty("className").GetString()));
        Assert.DoesNotContain("\"True\"", json);
        var perClass = new DistillationReport(DistillationEvaluation.FromJson(json)).CreatePlots().Single(p => p.Name == "per-class-accuracy");
        Assert.Matches(@">\s*good\s*<", perClass.Svg);
        Assert.DoesNotMatch(@">\s*True\s*<", perClass.Svg);

        // distill evaluate reads them off the rows of --label.
        (code, _, error) = Distill.Run("evaluate", "--teacher", Path.Combine(folder["out"], "teacher.zip"), "--student", Path.Combine(folder["out"], "student.zip"),
            "--data", data, "--label", "label", "--out", folder["evaluated"]);
        Assert.True(code == 0, error);
        var evaluated = DistillationEvaluation.FromJson(File.ReadAllText(Path.Combine(folder["evaluated"], "metrics.json")));
        Assert.Equal(["bad", "good"], evaluated.Student.PerClassAccuracy.Select(c => c.ClassName));
    }

    [Fact]
    public void Regression_prints_no_temperature_notes_predictions_beyond_the_training_range_and_draws_predicted_and_residual_charts()
    {
        using var folder = new TempFolder();
        // Prices from 5 to 105 in training; test rows with x from -1 to 2 ask for prices from -95 to 205.
        var data = Tables.Prices(folder, "prices.csv", rows: 120, from: 0, to: 1);
        var test = Tables.Prices(folder, "far.csv", rows: 30, from: -1, to: 2, seed: 2);
        var (code, output, error) = Distill.Run("train", "--data", data, "--test", test, "--label", "price", "--out", folder["out"], "--teacher", "lightgbm", "--epochs", "40");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("T = ", output);
        Assert.Matches(@"Note: the student predicts outside the label's training range \[[0-9.]+, [0-9.]+\] on \d+ of 30 test rows \(lowest -", output);
        var html = File.ReadAllText(Path.Combine(folder["out"], "report.html"));
        Assert.Contains("id=\"plot-predicted-vs-actual\"", html);
        Assert.Contains("id=\"plot-residuals\"", html);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["out"], "metrics.json")));
        Assert.Contains(metrics.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("outside the label's training range"));
        Assert.Equal(JsonValueKind.Null, metrics.RootElement.GetProperty("settings").GetProperty("temperature").ValueKind);
    }

    [Fact]
    public void The_binary_soft_target_loss_is_shown_without_the_teachers_constant_entropy()
    {
        using var folder = new TempFolder();
        var (code, output, error) = Distill.Run("train", "--data", Distill.Fixture("breast_cancer.csv"), "--label", "Malignant", "--out", folder["out"],
            "--teacher", "lightgbm", "--epochs", "60", "--no-baseline");
        Assert.True(code == 0, error);
        // The soft-target term with the teacher's entropy stays near 5 here (T² · H at T = 4); its KL part falls towards 0.
        var final = System.Text.RegularExpressions.Regex.Match(output, @"Student: .*final loss (?<loss>[0-9.]+)\.");
        Assert.True(final.Success, output);
        double loss = double.Parse(final.Groups["loss"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(loss is >= 0 and < 1, $"final loss {loss}");
        Assert.Contains("the loss shown is the soft-target term's KL part", output);
    }

    [Fact]
    public void Metrics_json_records_the_baseline_and_the_runs_settings()
    {
        using var folder = new TempFolder();
        var data = Tables.Binary(folder, "settings.csv", rows: 100, positiveShare: 0.5);
        var (code, _, error) = Distill.Run("train", "--data", data, "--label", "label", "--out", folder["out"], "--teacher", "lightgbm", "--epochs", "4", "--seeds", "2",
            "--seed", "7", "--alpha", "0.3", "--temperature", "2", "--hidden", "16");
        Assert.True(code == 0, error);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["out"], "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal(TrainCommand.BaselineName, root.GetProperty("baseline").GetProperty("name").GetString());
        Assert.Equal(6, root.GetProperty("baseline").GetProperty("metrics").GetArrayLength());   // Accuracy, AUC, AUPRC, F1, LogLoss, LogLossReduction
        var settings = root.GetProperty("settings");
        Assert.Equal(7, settings.GetProperty("seed").GetInt32());
        Assert.Equal([7, 8], settings.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(0.3f, settings.GetProperty("alpha").GetSingle());
        Assert.Equal(2f, settings.GetProperty("temperature").GetSingle());
        Assert.Equal([16], settings.GetProperty("hiddenLayers").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(4, settings.GetProperty("epochs").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(data))), settings.GetProperty("dataSha256").GetString());
        var versions = settings.GetProperty("versions");
        foreach (var library in new[] { "distill", "MLNet.Distillation", "Microsoft.ML", "TorchSharp", ".NET" })
            Assert.False(string.IsNullOrEmpty(versions.GetProperty(library).GetString()), library);
        Assert.NotNull(DistillationEvaluation.FromJson(File.ReadAllText(Path.Combine(folder["out"], "metrics.json"))));   // still the library's evaluation
    }

    [Fact]
    public void Without_teacher_a_LightGbm_teacher_trains_and_text_columns_are_featurised_as_before()
    {
        using var folder = new TempFolder();
        var rows = Enumerable.Range(0, 80).Select(i => $"{i % 7},\"{(i % 2 == 0 ? "great value, would buy again" : "broke after a week")} #{i}\",{(i % 2 == 0 ? "yes" : "no")}");
        var data = folder.Write("reviews.csv", "stars,review,liked\n" + string.Join("\n", rows) + "\n");
        var (code, output, error) = Distill.Run("train", "--data", data, "--label", "liked", "--out", folder["out"], "--epochs", "3", "--seeds", "1");
        Assert.True(code == 0, error);
        Assert.Contains("1 free text (FeaturizeText): review", output);
        Assert.Contains("Teacher: LightGbm trained on the training rows", output);
        Assert.True(File.Exists(Path.Combine(folder["out"], "teacher.zip")));
    }
}
