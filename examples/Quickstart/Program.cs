// Quickstart: distil a big, accurate teacher into a small student for each task ML.NET covers, on real data shipped in
// examples/data, and compare every distilled student with the same student trained from labels alone.
//   multiclass  UCI digits          teacher: a wide MLP trained here       student: MLP 64-16-10
//   binary      UCI breast cancer   teacher: FastTree (ML.NET)             student: MLP 30-64-1
//   regression  UCI concrete        teacher: LightGbm (ML.NET)             student: MLP 8-64-1
// Run: dotnet run -c Release --project examples/Quickstart
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation;

var clock = Stopwatch.StartNew();
int[] seeds = [11, 12, 13];
string Data(string file) => Path.Combine(AppContext.BaseDirectory, "data", file);
bool allReloaded = true;

// ---------------------------------------------------------------------------------------------------------- multiclass
{
    var ml = new MLContext(seed: 0);
    var data = ml.Data.LoadFromTextFile(Data("digits.csv"), [
        new TextLoader.Column("Features", DataKind.Single, 0, 63),
        new TextLoader.Column("Label", DataKind.String, 64),
    ], separatorChar: ',');
    var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 0);
    var labels = ml.Transforms.Conversion.MapValueToKey("Label").Fit(split.TrainSet);
    var train = ml.Data.Cache(labels.Transform(split.TrainSet));
    var test = ml.Data.Cache(labels.Transform(split.TestSet));

    // The teacher: a wide MLP trained from labels (no teacher column), handed over as ONNX.
    var teacher = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
    {
        TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [512, 512], Dropout = 0.3f }, NumberOfEpochs = 60, Seed = 1,
    }).Fit(train);
    var teacherOnnx = teacher.ToOnnx();
    var teacherTest = teacher.Transform(test);
    DistillationMulticlassTrainer.Options Student(string? teacherColumn, int seed) => new()
    {
        TeacherColumnName = teacherColumn, Temperature = 4, Student = new MlpStudent { HiddenLayers = [16] }, LearningRate = 5e-3f, Seed = seed,
    };
    var scratch = seeds.Select(seed => ml.MulticlassClassification.Trainers.Distillation(Student(null, seed)).Fit(train)).ToList();
    var distilled = seeds.Select(seed => ml.Transforms.TeacherScore(Teacher.FromOnnx(new MemoryStream(teacherOnnx), new OnnxTeacherOptions { OnnxOutputName = "Logits" }))
        .Append(ml.MulticlassClassification.Trainers.Distillation(Student(DefaultColumnNames.TeacherLogits, seed))).Fit(train)).ToList();

    (double Accuracy, double MacroF1, double Agreement) Quality(ITransformer model)
    {
        var scored = model.Transform(test);
        var m = ml.MulticlassClassification.Evaluate(scored);
        return (m.MicroAccuracy, DistillationMetrics.MacroF1(m.ConfusionMatrix), DistillationMetrics.Agreement(scored, teacherTest));
    }
    var engineRows = ml.Data.CreateEnumerable<DigitInput>(test, reuseRowObject: false).Take(100).ToArray();
    double Latency(ITransformer model)
    {
        var engine = ml.Model.CreatePredictionEngine<DigitInput, DigitPrediction>(model);
        return LatencyStatistics.Measure(i => engine.Predict(engineRows[i % engineRows.Length]), calls: 5000, warmup: 20000).P50Microseconds;
    }
    Console.WriteLine($"MULTICLASS — UCI digits: {Rows(train)} training and {Rows(test)} test rows, 64 features, 10 classes.");
    Table.Header("accuracy", "macro-F1", "agree w/ teacher");
    var t = Quality(teacher);
    Table.Row($"teacher {teacher.Architecture}", teacher.ParameterCount, [[t.Accuracy], [t.MacroF1], [t.Agreement]], Latency(teacher), percent: true);
    foreach (var (name, models) in new[] { ("student from labels", scratch.Cast<ITransformer>().ToList()), ("student distilled (T=4, α=0.1)", distilled.Cast<ITransformer>().ToList()) })
    {
        var q = models.Select(Quality).ToList();
        var last = models[0] is StudentTransformer s ? s : ((TransformerChain<StudentTransformer>)models[0]).LastTransformer;
        Table.Row(name, last.ParameterCount, [q.Select(x => x.Accuracy).ToArray(), q.Select(x => x.MacroF1).ToArray(), q.Select(x => x.Agreement).ToArray()],
            Latency(models[0].Student()), percent: true);
    }
    allReloaded &= SaveAndReload(ml, distilled[0], train.Schema, test, "multiclass");
}

// -------------------------------------------------------------------------------------------------------------- binary
{
    var ml = new MLContext(seed: 0);
    var data = ml.Data.Cache(ml.Data.LoadFromTextFile(Data("breast_cancer.csv"), [
        new TextLoader.Column("Features", DataKind.Single, 0, 29),
        new TextLoader.Column("Label", DataKind.Boolean, 30),
    ], separatorChar: ',', hasHeader: true));
    var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 0);
    var (train, test) = (split.TrainSet, split.TestSet);
    var teacher = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 100).Fit(train);
    var teacherTest = teacher.Transform(test);
    var scratch = seeds.Select(seed => (ITransformer)ml.BinaryClassification.Trainers.Distillation(teacherColumnName: null, seed: seed).Fit(train)).ToList();
    var distilled = seeds.Select(seed => (ITransformer)ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
        .Append(ml.BinaryClassification.Trainers.Distillation(seed: seed)).Fit(train)).ToList();

    (double Auc, double Accuracy, double LogLoss, double Agreement) Quality(ITransformer model)
    {
        var scored = model.Transform(test);
        var m = ml.BinaryClassification.Evaluate(scored);
        double agreement = scored.GetColumn<bool>("PredictedLabel").Zip(teacherTest.GetColumn<bool>("PredictedLabel")).Average(p => p.First == p.Second ? 1.0 : 0.0);
        return (m.AreaUnderRocCurve, m.Accuracy, m.LogLoss, agreement);
    }
    var engineRows = ml.Data.CreateEnumerable<CancerInput>(test, reuseRowObject: false).ToArray();
    double Latency(ITransformer model)
    {
        var engine = ml.Model.CreatePredictionEngine<CancerInput, BinaryPrediction>(model);
        return LatencyStatistics.Measure(i => engine.Predict(engineRows[i % engineRows.Length]), calls: 5000, warmup: 20000).P50Microseconds;
    }
    Console.WriteLine();
    Console.WriteLine($"BINARY — UCI breast cancer: {Rows(train)} training and {Rows(test)} test rows, 30 raw features, label: malignant.");
    Table.Header("AUC", "accuracy", "log-loss", "agree w/ teacher");
    Table.Percentages = [1, 3];
    var t = Quality(teacher);
    Table.Row("teacher FastTree, 100 trees", null, [[t.Auc], [t.Accuracy], [t.LogLoss], [t.Agreement]], Latency(teacher));
    foreach (var (name, models) in new[] { ("student from labels", scratch), ("student distilled (T=4, α=0.1)", distilled) })
    {
        var q = models.Select(Quality).ToList();
        Table.Row(name, models[0].Student() is TransformerChain<ITransformer> c ? ((StudentTransformer)c.Last()).ParameterCount : ((StudentTransformer)models[0]).ParameterCount,
            [q.Select(x => x.Auc).ToArray(), q.Select(x => x.Accuracy).ToArray(), q.Select(x => x.LogLoss).ToArray(), q.Select(x => x.Agreement).ToArray()],
            Latency(models[0].Student()));
    }
    allReloaded &= SaveAndReload(ml, distilled[0], train.Schema, test, "binary");
}

// ---------------------------------------------------------------------------------------------------------- regression
{
    var ml = new MLContext(seed: 0);
    var data = ml.Data.Cache(ml.Data.LoadFromTextFile(Data("concrete.csv"), [
        new TextLoader.Column("Features", DataKind.Single, 0, 7),
        new TextLoader.Column("Label", DataKind.Single, 8),
    ], separatorChar: ',', hasHeader: true));
    var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 0);
    var (train, test) = (split.TrainSet, split.TestSet);
    var teacher = ml.Regression.Trainers.LightGbm().Fit(train);
    var teacherScores = teacher.Transform(test).GetColumn<float>("Score").ToArray();
    var scratch = seeds.Select(seed => (ITransformer)ml.Regression.Trainers.Distillation(teacherColumnName: null, seed: seed).Fit(train)).ToList();
    var distilled = seeds.Select(seed => (ITransformer)ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
        .Append(ml.Regression.Trainers.Distillation(seed: seed)).Fit(train)).ToList();

    (double Rmse, double R2, double ToTeacher) Quality(ITransformer model)
    {
        var scored = model.Transform(test);
        var m = ml.Regression.Evaluate(scored);
        double toTeacher = Math.Sqrt(scored.GetColumn<float>("Score").Zip(teacherScores).Average(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        return (m.RootMeanSquaredError, m.RSquared, toTeacher);
    }
    var engineRows = ml.Data.CreateEnumerable<ConcreteInput>(test, reuseRowObject: false).ToArray();
    double Latency(ITransformer model)
    {
        var engine = ml.Model.CreatePredictionEngine<ConcreteInput, RegressionPrediction>(model);
        return LatencyStatistics.Measure(i => engine.Predict(engineRows[i % engineRows.Length]), calls: 5000, warmup: 20000).P50Microseconds;
    }
    Console.WriteLine();
    Console.WriteLine($"REGRESSION — UCI concrete strength: {Rows(train)} training and {Rows(test)} test rows, 8 raw features, label in MPa.");
    Table.Header("RMSE (MPa)", "R²", "RMSE to teacher");
    Table.Percentages = [];
    var t = Quality(teacher);
    Table.Row("teacher LightGbm", null, [[t.Rmse], [t.R2], [t.ToTeacher]], Latency(teacher));
    foreach (var (name, models) in new[] { ("student from labels", scratch), ("student distilled (α=0.1)", distilled) })
    {
        var q = models.Select(Quality).ToList();
        Table.Row(name, models[0].Student() is TransformerChain<ITransformer> c ? ((StudentTransformer)c.Last()).ParameterCount : ((StudentTransformer)models[0]).ParameterCount,
            [q.Select(x => x.Rmse).ToArray(), q.Select(x => x.R2).ToArray(), q.Select(x => x.ToTeacher).ToArray()], Latency(models[0].Student()));
    }
    allReloaded &= SaveAndReload(ml, distilled[0], train.Schema, test, "regression");
}

Console.WriteLine();
Console.WriteLine("Students: mean ± std over seeds 11, 12, 13; latency: median µs per row through ML.NET's PredictionEngine.");
Console.WriteLine($"Saved, reloaded with plain mlContext.Model.Load, and scored identically: {(allReloaded ? "yes, for all three" : "NO")}.");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0} s.");
return allReloaded ? 0 : 1;

// Saves the whole fitted pipeline (the teacher stage saves as an empty stage), reloads it in a fresh context, and checks
// that it scores the test rows exactly as before.
static bool SaveAndReload(MLContext ml, ITransformer model, DataViewSchema schema, IDataView test, string task)
{
    string path = Path.Combine(Directory.CreateTempSubdirectory("mlnet-distillation-quickstart-").FullName, $"{task}-student.zip");
    ml.Model.Save(model, schema, path);
    var reloaded = new MLContext().Model.Load(path, out _);
    bool same = task == "multiclass"
        ? model.Transform(test).GetColumn<float[]>("Score").SelectMany(v => v).SequenceEqual(reloaded.Transform(test).GetColumn<float[]>("Score").SelectMany(v => v))
        : model.Transform(test).GetColumn<float>("Score").SequenceEqual(reloaded.Transform(test).GetColumn<float>("Score"));
    File.Delete(path);
    return same;
}

static long Rows(IDataView view)
{
    using var cursor = view.GetRowCursor([]);
    long count = 0;
    while (cursor.MoveNext()) count++;
    return count;
}

/// <summary>The console tables: one row per model, mean ± std over seeds where there are several.</summary>
static class Table
{
    public static void Header(params string[] metrics)
        => Console.WriteLine($"  {"model",-34} {"params",8} {string.Concat(metrics.Select(m => $"{m,18}"))} {"p50 µs",8}");

    /// <summary>A model's row; a metric whose name is in <see cref="Percentages"/> prints as a percentage, the others with three decimals.</summary>
    public static void Row(string name, long? parameters, double[][] metrics, double latency, bool percent = false)
        => Console.WriteLine($"  {name,-34} {(parameters?.ToString("N0") ?? "–"),8} {string.Concat(metrics.Select((m, i) => $"{Format(m, percent || Percentages.Contains(i)),18}"))} {latency,8:0.0}");

    /// <summary>Which columns of the current table are shares (set by the binary table: accuracy and agreement).</summary>
    public static HashSet<int> Percentages { get; set; } = [];

    private static string Format(double[] values, bool percent)
    {
        double scale = percent ? 100 : 1;
        string unit = percent ? " %" : "", format = percent ? "0.00" : "0.000";
        if (values.Length == 1) return (values[0] * scale).ToString(format) + unit;
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        return $"{(mean * scale).ToString(format)}±{(std * scale).ToString(format)}{unit}";
    }
}

sealed class DigitInput
{
    [VectorType(64)] public float[] Features { get; set; } = [];
}

sealed class DigitPrediction
{
    public uint PredictedLabel { get; set; }
    public float[] Score { get; set; } = [];
}

sealed class CancerInput
{
    [VectorType(30)] public float[] Features { get; set; } = [];
}

sealed class BinaryPrediction
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}

sealed class ConcreteInput
{
    [VectorType(8)] public float[] Features { get; set; } = [];
}

sealed class RegressionPrediction
{
    public float Score { get; set; }
}
