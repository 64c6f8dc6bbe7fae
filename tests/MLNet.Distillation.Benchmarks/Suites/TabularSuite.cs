using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Tabular data as most ML.NET shops have it, with a LightGbm teacher trained in ML.NET: customer churn (binary,
/// modeldata's <c>mlc_churn</c>, 5,000 rows) and house prices (regression, modeldata's <c>ames</c>, 2,930 rows). The
/// benchmark exports both from Debian's r-cran-modeldata itself (<see cref="ModelData"/>).
/// </summary>
internal sealed class TabularSuite(string? dataFolder) : IBenchmarkSuite
{
    public const string Name = "tabular";

    public string SuiteName => Name;

    public string Title => "Tabular benchmark: LightGbm teachers, MLP students";

    public IReadOnlyList<IExperiment> Prepare(BenchmarkSettings settings, Action<string> log)
    {
        var experiments = new List<IExperiment>();
        foreach (var dataset in new[] { TabularDataset.Churn, TabularDataset.Ames })
        {
            var context = TabularContext.Create(new MLContext(seed: 0), dataset, ModelData.Export(dataset.ModelDataName, dataFolder), settings, log);
            experiments.Add(new TabularTeacher(context));
            experiments.Add(new TabularStudents(context));
            experiments.Add(new TabularLatency(context));
            experiments.Add(new TabularQuantization(context));
            experiments.Add(new TabularSearch(context));
            experiments.Add(new TabularSelfDistillation(context));
            experiments.Add(new TabularPruning(context));
        }
        return experiments;
    }
}

/// <summary>A modeldata table, the task, and how its label becomes ML.NET's <c>Label</c>.</summary>
internal sealed record TabularDataset(string Title, string ModelDataName, DistillationTask Task, string LabelColumn, string? PositiveValue)
{
    public static TabularDataset Churn { get; } = new("churn (mlc_churn)", "mlc_churn", DistillationTask.BinaryClassification, "churn", "yes");

    public static TabularDataset Ames { get; } = new("house prices (ames)", "ames", DistillationTask.Regression, "Sale_Price", null);
}

/// <summary>
/// One data set featurised once (numbers with missing values filled, categories one-hot encoded, as Model Builder does),
/// split 80/20 with a fixed seed, and the LightGbm teacher trained on the training part. The students read the same
/// features, so the latency and size figures compare the models alone.
/// </summary>
internal sealed class TabularContext
{
    private TabularContext(MLContext ml, TabularDataset dataset, BenchmarkSettings settings, Action<string> log, IDataView train, IDataView test, int featureCount, int rows)
    {
        ML = ml; Dataset = dataset; Settings = settings; Log = log; Train = train; Test = test; FeatureCount = featureCount; Rows = rows;
    }

    public MLContext ML { get; }
    public TabularDataset Dataset { get; }
    public BenchmarkSettings Settings { get; }
    public Action<string> Log { get; }
    public IDataView Train { get; }
    public IDataView Test { get; }
    public int FeatureCount { get; }
    public int Rows { get; }

    /// <summary>Set by <see cref="TabularTeacher"/>.</summary>
    public ITransformer Teacher { get; set; } = null!;

    /// <summary>The first student of each recipe, for <see cref="TabularLatency"/>.</summary>
    public List<(string Name, StudentTransformer Student)> Students { get; } = [];

    public bool IsBinary => Dataset.Task == DistillationTask.BinaryClassification;

    public static TabularContext Create(MLContext ml, TabularDataset dataset, string path, BenchmarkSettings settings, Action<string> log)
    {
        var table = TabularCsv.Inspect(path);
        var raw = table.Load(ml);
        var label = table[dataset.LabelColumn];
        IEstimator<ITransformer> labelling = dataset.PositiveValue is string positive
            ? ml.Transforms.Expression("Label", $"x : x == \"{positive}\"", label.Name)
            : ml.Transforms.CopyColumns("Label", label.Name);
        var featurized = labelling.Append(table.Featurizer(ml, label.Name)).Fit(raw).Transform(raw);
        var kept = ml.Data.Cache(ml.Transforms.SelectColumns("Features", "Label").Fit(featurized).Transform(featurized));
        var split = ml.Data.TrainTestSplit(kept, testFraction: 0.2, seed: 42);
        int features = ((VectorDataViewType)kept.Schema["Features"].Type).Size;
        log($"{dataset.Title}: {table.RowCount:N0} rows, {table.Columns.Count - 1} columns ({table.Columns.Count(c => !c.IsNumeric && c.Name != label.Name)} categorical) → {features} features.");
        return new TabularContext(ml, dataset, settings, log, ml.Data.Cache(split.TrainSet), ml.Data.Cache(split.TestSet), features, table.RowCount);
    }

    /// <summary>The task's figures for scored test rows, with agreement with the teacher when its scores are given.</summary>
    public TabularQuality Quality(IDataView scored, IDataView? teacherScored)
    {
        if (IsBinary)
        {
            var m = ML.BinaryClassification.Evaluate(scored);
            double? agreement = teacherScored is null ? null
                : scored.GetColumn<bool>("PredictedLabel").Zip(teacherScored.GetColumn<bool>("PredictedLabel")).Average(p => p.First == p.Second ? 1.0 : 0.0);
            return new TabularQuality(m.AreaUnderRocCurve, m.Accuracy, m.F1Score, m.LogLoss, null, null, null, agreement);
        }
        var r = ML.Regression.Evaluate(scored);
        double? fidelity = teacherScored is null ? null
            : Math.Sqrt(scored.GetColumn<float>("Score").Zip(teacherScored.GetColumn<float>("Score")).Average(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        return new TabularQuality(null, null, null, null, r.RootMeanSquaredError, r.MeanAbsoluteError, r.RSquared, fidelity);
    }

    /// <summary>The size of a model saved with mlContext.Model.Save, in bytes.</summary>
    public long SavedBytes(ITransformer model)
    {
        using var stream = new MemoryStream();
        ML.Model.Save(model, Train.Schema, stream);
        return stream.Length;
    }
}

/// <summary>Test figures: AUC, accuracy, F1 and log-loss for binary; RMSE, MAE and R² for regression; and agreement with the teacher
/// (binary: share of equal predicted labels; regression: RMSE between the two predictions).</summary>
internal sealed record TabularQuality(double? Auc, double? Accuracy, double? F1, double? LogLoss, double? Rmse, double? Mae, double? RSquared, double? TeacherAgreement);
