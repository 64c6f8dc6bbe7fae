using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Cli.Tests.Support;
using MLNet.Distillation.Reporting;

namespace MLNet.Distillation.Cli.Tests.Commands;

/// <summary><c>distill train</c> end to end on breast_cancer.csv: the files, the saved model, the ONNX export, the generated code.</summary>
public sealed class TrainCommandTests(BinaryTrainFixture fixture) : IClassFixture<BinaryTrainFixture>
{
    [Fact]
    public void Train_writes_the_five_files_and_the_teacher_and_says_what_it_inferred()
    {
        foreach (var file in new[] { "student.zip", "student.onnx", "report.html", "metrics.json", "StudentModel.consumption.cs", "teacher.zip" })
            Assert.True(new FileInfo(fixture.Folder[file]).Length > 0, file);
        Assert.Empty(Directory.GetFiles(fixture.Folder.Path, "*.tmp"));
        Assert.Contains("Task: binary (inferred from label 'Malignant': its values are true/false", fixture.Console);
        Assert.Contains($"20 % of breast_cancer.csv is held out for evaluation (seed 1): {fixture.Result.Run.TrainRows} training rows, {fixture.Result.Run.TestRows} test rows", fixture.Console);
        Assert.Equal(569, fixture.Result.Run.TrainRows + fixture.Result.Run.TestRows);
        Assert.Contains("epoch 8/8", fixture.Console);
        Assert.Contains("Agreement with teacher", fixture.Console);

        var html = File.ReadAllText(fixture.Folder["report.html"]);
        Assert.Contains("breast_cancer.csv: LightGbm teacher → MLP 30-64-1 student", html);

        // The same student from labels alone, trained and measured beside the distilled one, in the console and the report.
        var baseline = fixture.Result.Baseline!;
        Assert.Equal(TrainCommand.BaselineName, baseline.Name);
        Assert.Equal(fixture.Result.Student.ParameterCount, baseline.ParameterCount);
        Assert.Contains($"Verdict on {fixture.Result.Run.TestRows} test rows, Accuracy, over 3 seeds (1, 2, 3)", fixture.Console);
        Assert.Contains(TrainCommand.BaselineName, html);
        var metrics = DistillationEvaluation.FromJson(File.ReadAllText(fixture.Folder["metrics.json"]));
        Assert.Equal(DistillationTask.BinaryClassification, metrics.Task);
        Assert.Equal(fixture.Result.Run.TestRows, metrics.Rows);
        Assert.True(metrics.Student.Metric("AreaUnderRocCurve") > 0.9, $"student AUC {metrics.Student.Metric("AreaUnderRocCurve")}");
    }

    [Fact]
    public void Console_report_and_metrics_json_agree_with_each_other_and_with_MLNet_Evaluate_on_the_test_rows()
    {
        var result = fixture.Result;
        var ml = new MLContext(0);
        CalibratedBinaryClassificationMetrics Evaluate(ITransformer model) => ml.BinaryClassification.Evaluate(model.Transform(result.Run.Test), "Label");
        var teacher = Evaluate(result.Run.TrainedTeacher!);
        var student = Evaluate(result.Student);
        var baseline = Evaluate(result.BaselineStudent!);
        var labels = result.Run.Test.GetColumn<bool>("Label").ToArray();
        double majority = labels.Count(l => !l) / (double)labels.Length;   // always answering 'false', the training rows' majority class

        string F(double value) => value.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
        var expected = new Dictionary<string, string[]>
        {
            ["Accuracy"] = [F(teacher.Accuracy), F(student.Accuracy), F(baseline.Accuracy), F(majority)],
            ["AreaUnderRocCurve"] = [F(teacher.AreaUnderRocCurve), F(student.AreaUnderRocCurve), F(baseline.AreaUnderRocCurve), F(0.5)],
            ["F1Score"] = [F(teacher.F1Score), F(student.F1Score), F(baseline.F1Score), F(0)],
            ["LogLoss"] = [F(teacher.LogLoss), F(student.LogLoss), F(baseline.LogLoss)],
        };

        // The console's table: teacher, student, student from labels alone, always 'false'.
        var console = fixture.Console.Split('\n');
        Assert.Contains(console, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+teacher\s+student\s+student from labels alone\s+always 'false'\s*$"));
        // The report's table, in the same order.
        var html = File.ReadAllText(fixture.Folder["report.html"]);
        Assert.DoesNotContain("Infinity", html);   // the majority-class model has no size to compress
        // metrics.json: the evaluation, the baseline and the majority class.
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(fixture.Folder["metrics.json"]));
        string Json(string model, string metric) => F(metrics.RootElement.GetProperty(model).GetProperty("metrics").EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == metric).GetProperty("value").GetDouble());
        foreach (var (metric, values) in expected)
        {
            var row = console.First(l => l.StartsWith(metric + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(values, row.Skip(1).Take(values.Length));
            Assert.Contains($"<tr><td>{metric}</td>{string.Concat(values.Select(v => $"<td>{v}</td>"))}", html);
            Assert.Equal(values, new[] { "teacher", "student", "baseline", "majorityClass" }.Take(values.Length).Select(m => Json(m, metric)));
        }
        // The verdict opens with the --seed students' figures, the ones in the tables.
        var verdict = metrics.RootElement.GetProperty("verdict");
        Assert.Equal(F(student.Accuracy), F(verdict.GetProperty("distilled")[0].GetDouble()));
        Assert.Equal(F(baseline.Accuracy), F(verdict.GetProperty("fromLabelsAlone")[0].GetDouble()));

        // The loss chart shows the soft-target term's KL part, and says so in its legend.
        var loss = new DistillationReport(result.Evaluation) { History = result.History }.CreatePlots().Single(p => p.Name == "loss");
        Assert.Contains("KL part", loss.Svg);
        Assert.All(result.History, e => Assert.True(e.LossTerms[SoftTargetEntropy.KLPartName] > -1e-3, $"epoch {e.Epoch}: {e.LossTerms[SoftTargetEntropy.KLPartName]}"));
    }

    [Fact]
    public void Student_zip_reloads_and_predicts_raw_csv_rows_as_the_model_in_memory_did()
    {
        var ml = new MLContext(0);
        var reloaded = StudentModelLoaderFor(ml, fixture.Folder["student.zip"], out var schema);
        // The raw rows as the file holds them: the columns the saved model takes, loaded by name.
        var raw = fixture.Result.Run.Plan.Load(ml);
        Assert.Equal(fixture.Result.Run.RawTrain.Schema.Select(c => c.Name), schema.Select(c => c.Name));

        var expected = fixture.Result.Model.Transform(raw);
        var actual = reloaded.Transform(raw);
        var expectedScores = expected.GetColumn<float>("Score").ToArray();
        var actualScores = actual.GetColumn<float>("Score").ToArray();
        Assert.Equal(569, actualScores.Length);
        for (int i = 0; i < expectedScores.Length; i++)
            Assert.Equal(expectedScores[i], actualScores[i], 5);
        Assert.Equal(expected.GetColumn<bool>("PredictedLabel"), actual.GetColumn<bool>("PredictedLabel"));
    }

    [SkippableFact]
    public void Student_onnx_passes_the_onnx_checker()
    {
        if (!OnnxChecker.Available())
            SkipTest.Because("python3 with the onnx package is not installed (CI installs python3-onnx).");
        OnnxChecker.Check(File.ReadAllBytes(fixture.Folder["student.onnx"]), "student.onnx");
    }

    [Fact]
    public void Generated_code_compiles_against_MLNet_and_the_runtime_alone_and_predicts_as_the_model_does()
    {
        var code = File.ReadAllText(fixture.Folder["StudentModel.consumption.cs"]);
        Assert.Contains("[LoadColumn(30), ColumnName(\"Malignant\")]", code);
        Assert.Contains("public bool Malignant { get; set; }", code);
        Assert.Contains("public float Probability { get; set; }", code);

        var assembly = Compile(code);
        var type = assembly.GetType("Distilled.StudentModel")!;
        type.GetProperty("ModelPath")!.SetValue(null, fixture.Folder["student.zip"]);
        var inputType = type.GetNestedType("ModelInput")!;
        var input = Activator.CreateInstance(inputType)!;
        // The first row of breast_cancer.csv, through the generated properties (the file's header names).
        var lines = File.ReadLines(Distill.Fixture("breast_cancer.csv")).Take(2).Select(l => l.Split(',')).ToArray();
        var properties = inputType.GetProperties();
        Assert.Equal(31, properties.Length);
        for (int c = 0; c < 30; c++)
            properties.Single(p => p.GetCustomAttributesData().Single(a => a.AttributeType == typeof(ColumnNameAttribute)).ConstructorArguments[0].Value as string == lines[0][c])
                .SetValue(input, float.Parse(lines[1][c], System.Globalization.CultureInfo.InvariantCulture));
        var output = type.GetMethod("Predict")!.Invoke(null, [input])!;
        float probability = (float)output.GetType().GetProperty("Probability")!.GetValue(output)!;

        var ml = new MLContext(0);
        var raw = fixture.Result.Run.Plan.Load(ml);
        float expected = fixture.Result.Model.Transform(raw).GetColumn<float>("Probability").First();
        Assert.Equal(expected, probability, 5);
    }

    [Fact]
    public void Evaluate_measures_the_saved_student_against_the_saved_teacher()
    {
        using var folder = new TempFolder();
        var (code, output, error) = Distill.Run("evaluate", "--teacher", fixture.Folder["teacher.zip"], "--student", fixture.Folder["student.zip"],
            "--data", Distill.Fixture("breast_cancer.csv"), "--label", "Malignant", "--out", folder.Path);
        Assert.True(code == 0, error);
        Assert.Contains("BinaryClassification on 569 rows", output);
        Assert.True(File.Exists(folder["report.html"]));
        var metrics = DistillationEvaluation.FromJson(File.ReadAllText(folder["metrics.json"]));
        Assert.Equal(569, metrics.Rows);
        Assert.NotNull(metrics.Teacher.Latency);   // an ML.NET teacher is timed

        // The saved student on the test rows gives the figures train reported for them.
        var onTest = EvaluateCommand.Execute(TeacherSource.Parse(fixture.Folder["teacher.zip"], allowLightGbm: false), fixture.Folder["student.zip"],
            Distill.Fixture("breast_cancer.csv"), null, null, null, false, Distill.Quiet(new StringWriter()), CancellationToken.None);
        Assert.Equal(569, onTest.Rows);
    }

    [Fact]
    public void Existing_outputs_are_kept_without_force()
    {
        var (code, _, error) = Distill.Run("train", "--data", Distill.Fixture("breast_cancer.csv"), "--label", "Malignant", "--teacher", "lightgbm",
            "--out", fixture.Folder.Path, "--epochs", "1");
        Assert.Equal(ExitCodes.OutputFailed, code);
        Assert.StartsWith($"error: --out {fixture.Folder.Path}: already holds student.zip, student.onnx, report.html", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private static ITransformer StudentModelLoaderFor(MLContext ml, string path, out DataViewSchema schema)
        => MLNet.Distillation.Runtime.StudentModelLoader.Load(ml, path, out schema);

    /// <summary>
    /// Compiles <paramref name="code"/> with the framework, Microsoft.ML's assemblies and MLNet.Distillation.Runtime as
    /// references (not MLNet.Distillation, not TorchSharp), into an assembly loaded here.
    /// </summary>
    internal static Assembly Compile(string code)
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = trusted.Where(p => Path.GetDirectoryName(p) == framework
                || Path.GetFileName(p).StartsWith("Microsoft.ML", StringComparison.Ordinal)
                || Path.GetFileName(p) == "MLNet.Distillation.Runtime.dll")
            .Select(p => MetadataReference.CreateFromFile(p)).ToArray();
        Assert.DoesNotContain(references, r => r.Display!.EndsWith("MLNet.Distillation.dll", StringComparison.Ordinal) || r.Display!.Contains("TorchSharp"));
        var compilation = CSharpCompilation.Create("Consumption" + Guid.NewGuid().ToString("N"), [CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest))],
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToArray();
        Assert.True(result.Success && problems.Length == 0, string.Join("\n", problems));
        return Assembly.Load(stream.ToArray());
    }
}
