using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Commands;

/// <summary>Errors and exit codes, the other tasks end to end, the sweep and the time budget, through the command line itself.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void A_label_that_is_not_in_the_file_is_one_line_naming_it_and_exit_code_1()
    {
        using var folder = new TempFolder();
        var (code, output, error) = Distill.Run("train", "--data", Distill.Fixture("concrete.csv"), "--label", "Foo", "--teacher", "lightgbm", "--out", folder.Path);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("error: --label Foo: column 'Foo' not in concrete.csv; columns are: cement, blast_furnace_slag, fly_ash, water, " +
            "superplasticizer, coarse_aggregate, fine_aggregate, age, compressive_strength.", error.TrimEnd());
        Assert.DoesNotContain("   at ", error);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));   // nothing written
        Assert.Equal("", output);

        // --verbose adds the details.
        (code, _, error) = Distill.Run("train", "--data", Distill.Fixture("concrete.csv"), "--label", "Foo", "--teacher", "lightgbm", "--out", folder.Path, "--verbose");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("   at ", error);
    }

    [Theory]
    [InlineData("Unrecognized command or argument '--bogus'", "train", "--bogus")]
    [InlineData("Option '--data' is required", "train", "--label", "x", "--teacher", "lightgbm", "--out", "o")]
    [InlineData("--teacher model.pkl: must be 'lightgbm', 'minilm', an ONNX model (.onnx; with --vocab, a text encoder) or an ML.NET model (.zip)", "train", "--data", "d.csv", "--label", "x", "--teacher", "model.pkl", "--out", "o")]
    [InlineData("--teacher absent.onnx: file not found", "train", "--data", "d.csv", "--label", "x", "--teacher", "absent.onnx", "--out", "o")]
    [InlineData("--time soon: not a duration", "train", "--data", "d.csv", "--label", "x", "--teacher", "lightgbm", "--out", "o", "--time", "soon")]
    [InlineData("--task ranking: must be binary, multiclass or regression", "train", "--data", "d.csv", "--label", "x", "--teacher", "lightgbm", "--out", "o", "--task", "ranking")]
    [InlineData("--data d.csv: file not found", "train", "--data", "d.csv", "--label", "x", "--teacher", "lightgbm", "--out", "o")]
    [InlineData("--teacher lightgbm: evaluate needs the teacher a student learnt from", "evaluate", "--teacher", "lightgbm", "--student", "s.zip", "--data", "d.csv")]
    public void Bad_arguments_are_one_line_on_stderr_with_exit_code_1(string message, params string[] args)
    {
        var (code, output, error) = Distill.Run(args);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(message, error);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Equal("", output);
    }

    [Fact]
    public void Time_budgets_parse_as_written()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), TimeBudget.Parse("90s"));
        Assert.Equal(TimeSpan.FromMinutes(5), TimeBudget.Parse("5m"));
        Assert.Equal(TimeSpan.FromMinutes(90), TimeBudget.Parse("1h30m"));
        Assert.Equal(TimeSpan.FromSeconds(150), TimeBudget.Parse("2.5m"));
        Assert.Equal(TimeSpan.FromMinutes(5), TimeBudget.Parse("00:05:00"));
        Assert.Throws<CliException>(() => TimeBudget.Parse("0s"));
    }

    [Fact]
    public void Regression_on_concrete_trains_and_a_time_budget_stops_at_an_epoch_boundary_keeping_the_student()
    {
        using var folder = new TempFolder();
        // A budget of 1 ms is spent before training: one epoch runs, the student is kept and written, and the output says so.
        var (code, output, error) = Distill.Run("train", "--data", Distill.Fixture("concrete.csv"), "--label", "compressive_strength", "--teacher", "lightgbm",
            "--out", folder.Path, "--epochs", "500", "--time", "0.001s");
        Assert.True(code == 0, error);
        Assert.Contains("Task: regression (inferred from label 'compressive_strength'", output);
        Assert.Contains("Training stopped after 1 of 500 epochs: the --time budget (0s) was reached.", output);
        Assert.Contains("RootMeanSquaredError", output);
        var metrics = DistillationEvaluation.FromJson(File.ReadAllText(folder["metrics.json"]));
        Assert.Equal(DistillationTask.Regression, metrics.Task);
        Assert.Contains("public float Score { get; set; }", File.ReadAllText(folder["StudentModel.consumption.cs"]));

        var ml = new MLContext(0);
        var model = MLNet.Distillation.Runtime.StudentModelLoader.Load(ml, folder["student.zip"], out _);
        var schema = CsvColumnInference.Infer(Distill.Fixture("concrete.csv"), "--data");
        var plan = Featurization.Plan(schema, schema.Columns[^1], DistillationTask.Regression);
        Assert.All(model.Transform(plan.Load(ml)).GetColumn<float>("Score"), s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public void Multiclass_on_wine_maps_predictions_back_to_the_cultivar_names_and_uses_an_onnx_teacher()
    {
        using var folder = new TempFolder();
        var (code, output, error) = Distill.Run("train", "--data", Distill.Fixture("wine.csv"), "--label", "Cultivar", "--teacher", "lightgbm",
            "--out", folder.Path, "--epochs", "60", "--name", "WineModel");
        Assert.True(code == 0, error);
        Assert.Contains("Task: multiclass (inferred from label 'Cultivar': 3 distinct text values", output);
        var code1 = File.ReadAllText(folder["WineModel.consumption.cs"]);
        Assert.Contains("public string PredictedLabel { get; set; } = \"\";", code1);
        Assert.Contains("in sorted order: class_0, class_1, class_2", code1);
        TrainCommandTests.Compile(code1);

        var ml = new MLContext(0);
        var model = MLNet.Distillation.Runtime.StudentModelLoader.Load(ml, folder["student.zip"], out _);
        var schema = CsvColumnInference.Infer(Distill.Fixture("wine.csv"), "--data");
        var plan = Featurization.Plan(schema, schema.Column("Cultivar", "--label"), DistillationTask.MulticlassClassification);
        var predicted = model.Transform(plan.Load(ml)).GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(p => p.ToString()).ToArray();
        var actual = schema.Columns[^1];
        Assert.Subset(new HashSet<string>(actual.Distinct), new HashSet<string>(predicted));
        var labels = File.ReadLines(Distill.Fixture("wine.csv")).Skip(1).Select(l => l.Split(',')[^1]).ToArray();
        double accuracy = predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
        Assert.True(accuracy > 0.85, $"accuracy {accuracy:P1}");

        // The student's own ONNX export as an ONNX teacher for the next student: it reads the Features vector.
        using var next = new TempFolder();
        (code, output, error) = Distill.Run("train", "--data", Distill.Fixture("wine.csv"), "--label", "Cultivar", "--teacher", folder["student.onnx"],
            "--out", next.Path, "--epochs", "5", "--no-baseline");
        Assert.True(code == 0, error);
        Assert.NotNull(DistillationEvaluation.FromJson(File.ReadAllText(next["metrics.json"])).Teacher.Latency);   // an ONNX teacher is timed too
        Assert.DoesNotContain("from labels alone", output);                                                      // --no-baseline
        Assert.True(File.Exists(next["student.zip"]));
        Assert.False(File.Exists(next["teacher.zip"]));
    }

    [Fact]
    public void Sweep_ranks_a_tiny_grid_with_the_student_from_labels_alone_and_writes_the_best()
    {
        using var folder = new TempFolder();
        var (code, output, error) = Distill.Run("sweep", "--data", Distill.Fixture("breast_cancer.csv"), "--label", "Malignant", "--teacher", "lightgbm",
            "--out", folder.Path, "--epochs", "4", "--temperatures", "2,4", "--alphas", "0.5");
        Assert.True(code == 0, error);
        Assert.Contains("Sweeping 3 students", output);
        Assert.Contains("labels alone", output);
        Assert.Contains("T = 2, alpha = 0.5", output);
        Assert.Contains("AUC (validation)", output);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder["sweep.json"]));
        var trials = json.RootElement.GetProperty("trials");
        Assert.Equal(3, trials.GetArrayLength());
        Assert.Single(trials.EnumerateArray(), t => t.GetProperty("fromLabelsAlone").GetBoolean());
        var scores = trials.EnumerateArray().Select(t => t.GetProperty("validation").GetDouble()).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.StartsWith("# T/alpha sweep on breast_cancer.csv", File.ReadAllText(folder["sweep.md"]));
        Assert.True(File.Exists(folder["student.zip"]) && File.Exists(folder["student.onnx"]));
    }
}
