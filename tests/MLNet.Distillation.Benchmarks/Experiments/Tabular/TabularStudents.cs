using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// MLP 64 students (and a 256-256 one) with the library's defaults (epochs sized by rows seen, standardised inputs): from labels alone
/// and distilled, with all labels and with 10 % of them (the teacher, trained on all labels, labels the rest). For churn
/// also the two ways of reading a calibrated binary teacher: its calibrated probability (the default) or its raw score.
/// </summary>
internal sealed class TabularStudents(TabularContext context) : IExperiment
{
    private const double ScarceShare = 0.1;

    public string Name => $"{context.Dataset.ModelDataName}.students";

    public ExperimentResult Run()
    {
        var teacherTest = context.Teacher.Transform(context.Test);
        var (few, transfer, labelled) = WithholdLabels(ScarceShare);
        var rows = new List<Row>
        {
            Run("from labels", context.Train, teacher: null, alpha: 1f),
            Run("KD α=0.1", context.Train, Teacher.FromTransformer(context.Teacher), 0.1f, teacherTest),
            Run("KD α=0.5", context.Train, Teacher.FromTransformer(context.Teacher), 0.5f, teacherTest),
        };
        if (context.IsBinary)
            rows.Add(Run("KD α=0.1, teacher's raw score", context.Train, Teacher.FromTransformer(context.Teacher, "Score"), 0.1f, teacherTest));
        // A student four times wider in each of two layers: is the small one limited by its capacity or by what it learns from?
        rows.Add(Run("from labels", context.Train, teacher: null, alpha: 1f, teacherTest, Wide));
        rows.Add(Run("KD α=0.1", context.Train, Teacher.FromTransformer(context.Teacher), 0.1f, teacherTest, Wide));
        rows.Add(Run($"from {labelled:N0} labels only ({ScarceShare:P0})", few, teacher: null, alpha: 1f, teacherTest: teacherTest));
        rows.Add(Run($"KD α=0.1, {labelled:N0} labels + teacher on the rest", transfer, Teacher.FromTransformer(context.Teacher), 0.1f, teacherTest));
        rows.Add(Run($"KD α=0.5, {labelled:N0} labels + teacher on the rest", transfer, Teacher.FromTransformer(context.Teacher), 0.5f, teacherTest));
        // Only the labelled rows exist (no unlabelled ones to borrow): plain KD on them, and on them plus MUNGE pseudo-rows.
        rows.Add(Run($"KD α=0.1, the {labelled:N0} labelled rows only", few, Teacher.FromTransformer(context.Teacher), 0.1f, teacherTest));
        var munged = context.ML.Data.Cache(context.ML.Distillation.Munge(few, new MungeOptions { Multiplier = 10, Seed = 1 }));
        rows.Add(Run($"KD α=0.1, the {labelled:N0} labelled rows + MUNGE ×10 pseudo-rows", munged, Teacher.FromTransformer(context.Teacher), 0.1f, teacherTest));
        return new Result(context.Dataset.Title, context.IsBinary, rows);
    }

    private static readonly int[] Wide = [256, 256];

    private Row Run(string recipe, IDataView data, Teacher? teacher, float alpha, IDataView? teacherTest = null, int[]? hidden = null)
    {
        hidden ??= [64];
        var ml = context.ML;
        var runs = new List<(StudentTransformer Student, TabularQuality Quality)>();
        foreach (int seed in context.Settings.Seeds)
        {
            StudentTransformer student;
            if (context.IsBinary)
            {
                var options = new DistillationBinaryTrainer.Options { TeacherColumnName = teacher is null ? null : DefaultColumnNames.TeacherLogits, Alpha = alpha, Seed = seed, Student = new MlpStudent { HiddenLayers = hidden } };
                student = teacher is null ? ml.BinaryClassification.Trainers.Distillation(options).Fit(data)
                    : ml.Transforms.TeacherScore(teacher).Append(ml.BinaryClassification.Trainers.Distillation(options)).Fit(data).LastTransformer;
            }
            else
            {
                var options = new DistillationRegressionTrainer.Options { TeacherColumnName = teacher is null ? null : DefaultColumnNames.TeacherLogits, Alpha = alpha, Seed = seed, Student = new MlpStudent { HiddenLayers = hidden } };
                student = teacher is null ? ml.Regression.Trainers.Distillation(options).Fit(data)
                    : ml.Transforms.TeacherScore(teacher).Append(ml.Regression.Trainers.Distillation(options)).Fit(data).LastTransformer;
            }
            var quality = context.Quality(student.Transform(context.Test), teacherTest ?? context.Teacher.Transform(context.Test));
            runs.Add((student, quality));
            context.Log($"{context.Dataset.Title}, {recipe}, seed {seed}: {quality}, {student.TrainingHistory.Count} epochs");
        }
        teacher?.Dispose();
        if (hidden.Length == 1)
            context.Students.Add((recipe, runs[0].Student));
        var first = runs[0].Student;
        return new Row(recipe, first.Architecture, first.ParameterCount, first.TrainingHistory.Count, (int)(data.GetRowCount() ?? 0),
            MeanStd.Of(runs.Select(r => (r.Quality.Auc ?? r.Quality.Rmse)!.Value)),
            MeanStd.Of(runs.Select(r => (r.Quality.Accuracy ?? r.Quality.Mae)!.Value)),
            MeanStd.Of(runs.Select(r => (r.Quality.LogLoss ?? r.Quality.RSquared)!.Value)),
            MeanStd.Of(runs.Select(r => r.Quality.TeacherAgreement!.Value)),
            context.SavedBytes(first));
    }

    /// <summary>
    /// The training rows with all but a seeded share of labels withheld: the labelled rows alone, the same rows with the
    /// others kept unlabelled (NaN, a transfer set), and the number labelled. Labels become Single (0/1 for binary).
    /// </summary>
    private (IDataView Few, IDataView Transfer, int Labelled) WithholdLabels(double share)
    {
        var ml = context.ML;
        var asSingle = ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Single).Fit(context.Train).Transform(context.Train);
        var rows = ml.Data.CreateEnumerable<FeatureRow>(asSingle, reuseRowObject: false).ToList();
        var keep = Enumerable.Range(0, rows.Count).ToArray();
        new Random(7).Shuffle(keep);
        var labelled = keep.Take((int)Math.Round(rows.Count * share)).ToHashSet();
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, context.FeatureCount);
        var few = rows.Where((_, i) => labelled.Contains(i)).ToList();
        var transfer = rows.Select((r, i) => labelled.Contains(i) ? r : new FeatureRow { Features = r.Features, Label = float.NaN }).ToList();
        return (ml.Data.Cache(ml.Data.LoadFromEnumerable(few, definition)), ml.Data.Cache(ml.Data.LoadFromEnumerable(transfer, definition)), labelled.Count);
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    /// <summary>A recipe over every seed. For binary, A/B/C are AUC, accuracy and log-loss; for regression, RMSE, MAE and R².</summary>
    internal sealed record Row(string Recipe, string Architecture, long Parameters, int Epochs, int TrainingRows, MeanStd A, MeanStd B, MeanStd C, MeanStd TeacherAgreement, long SavedBytes);

    internal sealed record Result(string Dataset, bool Binary, List<Row> Students) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            s.AppendLine(Binary
                ? "| student | recipe | params | training rows | AUC | accuracy % | log-loss | agreement with teacher % | saved KiB |"
                : "| student | recipe | params | training rows | RMSE | MAE | R² | RMSE to teacher | saved KiB |");
            s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in Students)
            {
                string figures = Binary
                    ? $"{r.A.Format("0.0000")} | {r.B.Percent} | {r.C.Format("0.000")} | {r.TeacherAgreement.Percent}"
                    : $"{r.A.Format("N0")} | {r.B.Format("N0")} | {r.C.Format("0.0000")} | {r.TeacherAgreement.Format("N0")}";
                s.AppendLine(inv, $"| {r.Architecture} | {r.Recipe} | {r.Parameters:N0} | {r.TrainingRows:N0} | {figures} | {r.SavedBytes / 1024.0:N0} |");
            }
            s.AppendLine();
            s.AppendLine(inv, $"Mean ± sample std over {(Students.Count > 0 ? Students[0].A.Values.Length : 0)} seeds, library defaults (epochs sized by rows seen, no early stopping).");
            s.AppendLine("Rows without a label learn from the teacher only; the teacher itself was trained on every label.");
            return s.ToString();
        }
    }
}
