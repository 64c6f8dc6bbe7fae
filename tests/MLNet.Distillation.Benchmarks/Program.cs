// Fashion-MNIST distillation benchmark: teacher CNN, MLP and CNN students from scratch and distilled, transfer-set
// distillation, teacher scoring throughput, single-row latency, peak memory. Writes one JSON file and a Markdown table.
//   dotnet run -c Release --project tests/MLNet.Distillation.Benchmarks -- --mode quick|full [--data DIR] [--out DIR]
// Needs Fashion-MNIST: sudo apt-get install dataset-fashion-mnist
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation;
using MLNet.Distillation.Benchmarks;
using MLNet.Distillation.Data;
using MLNet.Distillation.Deployment;
using MLNet.Distillation.Evaluation;
using MLNet.Distillation.Students;
using MLNet.Distillation.Teachers;
using MLNet.Distillation.Training;

string mode = Argument("--mode") ?? "quick";
var settings = mode switch
{
    "quick" => BenchmarkSettings.Quick,
    "full" => BenchmarkSettings.Full,
    _ => throw new ArgumentException($"--mode must be 'quick' or 'full', not '{mode}'."),
};
string dataFolder = Argument("--data") ?? FashionMnist.DebianFolder;
string outFolder = Path.GetFullPath(Argument("--out") ?? "benchmark-results");
Directory.CreateDirectory(outFolder);

var started = DateTime.UtcNow;
var clock = Stopwatch.StartNew();
void Log(string message) => Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {message}");

var ml = new MLContext(seed: 0);
var train = FashionMnist.Load(dataFolder, train: true, maxRows: settings.TrainRows);
var test = FashionMnist.Load(dataFolder, train: false, maxRows: settings.TestRows);
Log($"{settings.Mode}: {train.RowCount:N0} training and {test.RowCount:N0} test images.");

// 1. Teacher: conv32-conv64-dense256 CNN trained from labels.
var teacher = ml.Distillation.Trainer(new DistillationTrainer.Options
{
    TeacherColumnName = null,
    Student = new CnnStudent { ConvChannels = [32, 64], DenseLayers = [256], Dropout = 0.25f },
    NumberOfEpochs = settings.TeacherEpochs,
    BatchSize = 128,
    Seed = 100,
    Progress = new Progress(r => Log($"teacher {r}")),
}).Fit(train);
var teacherTest = teacher.Transform(test);
var teacherQuality = Quality(teacherTest, null);
var teacherResult = new TeacherResult(teacher.Architecture, teacher.ParameterCount, settings.TeacherEpochs, teacherQuality,
    teacher.Profile.Training.TotalSeconds, teacher.Profile.SamplesPerSecond);
Log($"teacher accuracy {teacherQuality.Accuracy:P2}");

// 2. Teacher scoring throughput on the training images.
var scoring = MeasureScoring(teacher);
Log($"scoring: TeacherScore {scoring.TeacherScoreRowsPerSecond:N0}/s, ORT {scoring.PlainOnnxRuntimeBatch256RowsPerSecond:N0}/s, ApplyOnnxModel {scoring.ApplyOnnxModelRowsPerSecond:N0}/s");

// 3. Students: from labels, and distilled with two recipes; teacher logits cached once and reused by every fit.
string cache = Directory.CreateTempSubdirectory("fashion-mnist-teacher-cache-").FullName;
StudentArchitecture Mlp() => new MlpStudent { HiddenLayers = [64] };
StudentArchitecture SmallCnn() => new CnnStudent { ConvChannels = [8, 16], DenseLayers = [64], Dropout = 0 };
var recipes = new (string Name, float? Temperature, float Alpha)[] { ("from labels", null, 1f), ("KD T=4 α=0.1", 4f, 0.1f), ("KD T=2 α=0.5", 2f, 0.5f) };
var students = new List<StudentRecipeResult>();
var latencyModels = new List<(string Name, ITransformer Model)> { ($"teacher {teacher.Architecture}", teacher) };
foreach (var (studentName, architecture, epochs) in new[] { ("MLP 784-64-10", (Func<StudentArchitecture>)Mlp, settings.MlpEpochs), ("CNN conv8-conv16-dense64", SmallCnn, settings.CnnStudentEpochs) })
    foreach (var recipe in recipes)
    {
        var (result, first) = RunStudent(studentName, architecture, epochs, recipe.Name, recipe.Temperature, recipe.Alpha, train, labelledRows: train.RowCount);
        students.Add(result);
        if (recipe.Temperature == 4f || recipe.Temperature is null)
            latencyModels.Add(($"{studentName}, {recipe.Name}", first));
    }

// 4. Transfer set: only some images keep their labels; the teacher labels the rest.
var labelled = Enumerable.Range(0, settings.TransferLabelledRows).ToHashSet();
var fewLabels = train.Select(labelled.Order().ToArray());
var transfer = train.WithLabelsOnly(labelled);
students.Add(RunStudent("MLP 784-64-10", Mlp, settings.MlpEpochs, $"from {labelled.Count:N0} labels only", null, 1f, fewLabels, labelled.Count).Result);
students.Add(RunStudent("MLP 784-64-10", Mlp, settings.MlpEpochs, $"KD T=4 α=0.1, {labelled.Count:N0} labels + teacher on the rest", 4f, 0.1f, transfer, labelled.Count).Result);
students.Add(RunStudent("MLP 784-64-10", Mlp, settings.MlpEpochs, $"KD T=4 α=0.5, {labelled.Count:N0} labels + teacher on the rest", 4f, 0.5f, transfer, labelled.Count).Result);

// 5. Single-row latency through PredictionEngine.
var inputs = ml.Data.CreateEnumerable<ImageInput>(test, reuseRowObject: false).Take(500).ToArray();
var latencies = latencyModels.Select(m => MeasureLatency(m.Name, m.Model, inputs)).ToList();
// What bounds the MLP's latency: ONNX Runtime's own single-row call, and ML.NET's ApplyOnnxModel stage alone.
var mlp = (StudentTransformer)latencyModels.First(m => m.Name.StartsWith("MLP", StringComparison.Ordinal)).Model;
latencies.Add(MeasureOnnxRuntimeSingleRow("MLP 784-64-10: ONNX Runtime session alone, one row", mlp, inputs));
latencies.Add(MeasureLatency("MLP 784-64-10: ML.NET ApplyOnnxModel stage alone", mlp.Pipeline.First(), inputs, scoreOnly: true));
foreach (var l in latencies) Log($"latency {l.Model}: p50 {l.P50Microseconds:0.0} µs, p95 {l.P95Microseconds:0.0} µs");

Directory.Delete(cache, recursive: true);
var report = new BenchmarkResult(settings.Mode, started, clock.Elapsed.TotalSeconds, MachineDescription(), teacherResult, students, scoring, latencies,
    Process.GetCurrentProcess().PeakWorkingSet64);
var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
WriteAtomically(Path.Combine(outFolder, $"fashion-mnist-{settings.Mode}.json"), json);
WriteAtomically(Path.Combine(outFolder, $"fashion-mnist-{settings.Mode}.md"), report.ToMarkdown());
Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
Log($"wrote {Path.Combine(outFolder, $"fashion-mnist-{settings.Mode}.json")}");
return 0;

(StudentRecipeResult Result, StudentTransformer First) RunStudent(string name, Func<StudentArchitecture> architecture, int epochs, string recipe,
    float? temperature, float alpha, IDataView data, int labelledRows)
{
    var runs = new List<(StudentTransformer Student, ModelQuality Quality)>();
    foreach (int seed in settings.Seeds)
    {
        var options = new DistillationTrainer.Options
        {
            TeacherColumnName = temperature is null ? null : DefaultColumnNames.TeacherLogits,
            Temperature = temperature ?? 4f,
            Alpha = alpha,
            Student = architecture(),
            NumberOfEpochs = epochs,
            BatchSize = 128,
            Seed = seed,
        };
        StudentTransformer student;
        if (temperature is null)
            student = ml.Distillation.Trainer(options).Fit(data);
        else
        {
            using var onnxTeacher = Teacher.FromStudent(teacher);
            student = ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = onnxTeacher, CacheDirectory = cache })
                .Append(ml.Distillation.Trainer(options)).Fit(data).LastTransformer;
        }
        var quality = Quality(student.Transform(test), teacherTest);
        runs.Add((student, quality));
        Log($"{name}, {recipe}, seed {seed}: accuracy {quality.Accuracy:P2}, agreement {quality.AgreementWithTeacher:P2}, " +
            $"{student.Profile.SamplesPerSecond:N0} samples/s, load {student.Profile.DataLoading.TotalSeconds:0.00}s, torch share {student.Profile.TorchShare:P1}");
    }
    var profile = runs[0].Student.Profile;
    double epochSeconds = profile.Training.TotalSeconds / epochs;
    return (new StudentRecipeResult(name, recipe, runs[0].Student.ParameterCount, epochs, labelledRows, (int)(data.GetRowCount() ?? 0),
        MeanStd.Of(runs.Select(r => r.Quality.Accuracy)), MeanStd.Of(runs.Select(r => r.Quality.MacroF1)),
        MeanStd.Of(runs.Select(r => r.Quality.ExpectedCalibrationError)), MeanStd.Of(runs.Select(r => r.Quality.AgreementWithTeacher!.Value)),
        runs.Average(r => r.Student.Profile.SamplesPerSecond),
        runs.Average(r => r.Student.Profile.DataLoading.TotalSeconds / (r.Student.Profile.Training.TotalSeconds / epochs)),
        runs.Average(r => r.Student.Profile.TorchShare)), runs[0].Student);
}

ModelQuality Quality(IDataView scored, IDataView? teacherScored)
{
    var metrics = ml.MulticlassClassification.Evaluate(scored);
    return new ModelQuality(metrics.MicroAccuracy, DistillationMetrics.MacroF1(metrics.ConfusionMatrix),
        DistillationMetrics.ExpectedCalibrationError(scored), teacherScored is null ? null : DistillationMetrics.Agreement(scored, teacherScored));
}

ScoringThroughput MeasureScoring(StudentTransformer cnn)
{
    var onnx = cnn.ToOnnx();
    int rows = train.RowCount;
    // Plain ONNX Runtime: the images already in one contiguous array, batches of 256, default session options.
    var features = new float[rows * 784];
    using (var cursor = train.GetRowCursor([train.Schema["Features"]]))
    {
        var getter = cursor.GetGetter<VBuffer<float>>(train.Schema["Features"]);
        VBuffer<float> row = default;
        for (int r = 0; cursor.MoveNext(); r++)
        {
            getter(ref row);
            row.CopyTo(features.AsSpan(r * 784, 784));
        }
    }
    // Each measurement is run three times, interleaved with the others, and the best time kept: this machine's
    // neighbours make single timings swing by 10-20 %.
    Func<double> ort = () =>
    {
        using var session = new InferenceSession(onnx);
        using var options = new RunOptions();
        var output = new float[rows * 10];
        var watch = Stopwatch.StartNew();
        for (int start = 0; start < rows; start += 256)
        {
            int n = Math.Min(256, rows - start);
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(start * 784, n * 784), [n, 784]);
            using var result = session.Run(options, ["Features"], [value], ["Logits"]);
            result[0].GetTensorDataAsSpan<float>().CopyTo(output.AsSpan(start * 10, n * 10));
        }
        return watch.Elapsed.TotalSeconds;
    };

    Func<double> teacherScore = () =>
    {
        using var onnxTeacher = Teacher.FromStudent(cnn);
        var watch = Stopwatch.StartNew();
        var scored = ml.Transforms.TeacherScore(onnxTeacher).Fit(train).Transform(train);
        ReadAll(scored, DefaultColumnNames.TeacherLogits);
        return watch.Elapsed.TotalSeconds;
    };

    int applyRows = Math.Min(settings.ApplyOnnxModelRows, rows);
    var subset = ml.Data.TakeRows(train, applyRows);
    Func<double> apply = () =>
    {
        var watch = Stopwatch.StartNew();
        var transformer = ml.Transforms.ApplyOnnxModel(["Logits"], ["Features"], new MemoryStream(onnx)).Fit(subset);
        ReadAll(transformer.Transform(subset), "Logits");
        double seconds = watch.Elapsed.TotalSeconds;
        transformer.Dispose();
        return seconds;
    };
    double ortSeconds = double.MaxValue, teacherScoreSeconds = double.MaxValue, applySeconds = double.MaxValue;
    for (int round = 0; round < 3; round++)
    {
        ortSeconds = Math.Min(ortSeconds, ort());
        teacherScoreSeconds = Math.Min(teacherScoreSeconds, teacherScore());
        applySeconds = Math.Min(applySeconds, apply());
    }
    return new ScoringThroughput(rows, rows / teacherScoreSeconds, rows / ortSeconds, applyRows, applyRows / applySeconds);
}

static void ReadAll(IDataView view, string column)
{
    var col = view.Schema[column];
    using var cursor = view.GetRowCursor([col]);
    var getter = cursor.GetGetter<VBuffer<float>>(col);
    VBuffer<float> value = default;
    while (cursor.MoveNext())
        getter(ref value);
}

Latency MeasureLatency(string name, ITransformer model, ImageInput[] rows, bool scoreOnly = false)
{
    Action<int> call;
    if (scoreOnly)
    {
        var engine = ml.Model.CreatePredictionEngine<ImageInput, ScoreOnly>(model);
        call = i => engine.Predict(rows[i % rows.Length]);
    }
    else
    {
        var engine = ml.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(model);
        call = i => engine.Predict(rows[i % rows.Length]);
    }
    return MedianTrial(name, call);
}

Latency MeasureOnnxRuntimeSingleRow(string name, StudentTransformer student, ImageInput[] rows)
{
    using var session = new InferenceSession(student.ToOnnx(MLNet.Distillation.Export.OnnxLayout.SingleRow));
    using var options = new RunOptions();
    var buffer = new float[784];
    return MedianTrial(name, i =>
    {
        rows[i % rows.Length].Features.CopyTo(buffer, 0);
        using var value = OrtValue.CreateTensorValueFromMemory(buffer, [1, 784]);
        using var result = session.Run(options, ["Features"], [value], ["Score"]);
    });
}

Latency MedianTrial(string name, Action<int> call)
{
    var trials = Enumerable.Range(0, 3)
        .Select(_ => LatencyStatistics.Measure(call, settings.LatencyCalls, warmup: 500))
        .OrderBy(t => t.P50Microseconds).ToArray();
    var median = trials[trials.Length / 2];
    return new Latency(name, median.P50Microseconds, median.P95Microseconds, settings.LatencyCalls, trials.Length);
}

static Dictionary<string, string> MachineDescription() => new()
{
    ["processors"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["os"] = RuntimeInformation.OSDescription,
    ["dotnet"] = Environment.Version.ToString(),
    ["cpu"] = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "" : "",
    ["torch_threads"] = TorchSharp.torch.get_num_threads().ToString(System.Globalization.CultureInfo.InvariantCulture),
};

static void WriteAtomically(string path, string text)
{
    string temp = path + ".tmp";
    File.WriteAllText(temp, text);
    File.Move(temp, path, overwrite: true);
}

string? Argument(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

sealed class Progress(Action<EpochReport> report) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => report(value);
}

sealed class ImageInput
{
    [VectorType(784)] public float[] Features { get; set; } = [];
}

sealed class ScoreOnly
{
    public float[] Score { get; set; } = [];
}

sealed class ImagePrediction
{
    public uint PredictedLabel { get; set; }
    public float[] Score { get; set; } = [];
}
