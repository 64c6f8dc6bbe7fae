using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Structured pruning of the distilled MLP 256-256 student (<c>ml.Distillation.Prune</c>, activation criterion, one
/// step, KD fine-tuning with the same options): to 50 % and 25 % of its units, against the unpruned student and against
/// students of the small sizes distilled from scratch (the honest comparison). Quality on the test split over the seeds;
/// parameters, ONNX bytes, and single-row latency through PredictionEngine measured interleaved (rounds that visit every
/// model in turn, so load from other processes falls on all of them alike) and given as the ratio to the unpruned student.
/// </summary>
internal sealed class TabularPruning(TabularContext context) : IExperiment
{
    private static readonly int[] Wide = [256, 256];
    private const int FineTuningEpochs = 40;

    public string Name => $"{context.Dataset.ModelDataName}.pruning";

    public ExperimentResult Run()
    {
        var ml = context.ML;
        using var teacher = Teacher.FromTransformer(context.Teacher);
        var train = ml.Data.Cache(ml.Transforms.TeacherScore(teacher).Fit(context.Train).Transform(context.Train));
        var teacherTest = context.Teacher.Transform(context.Test);
        var runs = new Dictionary<string, List<(StudentTransformer Student, TabularQuality Quality, TimeSpan Time)>>();
        void Add(string name, StudentTransformer student, TimeSpan time)
        {
            var quality = context.Quality(student.Transform(context.Test), teacherTest);
            (runs.TryGetValue(name, out var list) ? list : runs[name] = []).Add((student, quality, time));
            context.Log($"{context.Dataset.Title} pruning, {name} ({student.Architecture}): {quality}, {time.TotalSeconds:0.0} s");
        }

        foreach (int seed in context.Settings.Seeds)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var unpruned = Fit(train, Wide, seed);
            Add("KD, unpruned", unpruned, clock.Elapsed);
            foreach (double keep in new[] { 0.5, 0.25 })
            {
                clock.Restart();
                var pruning = new PruningOptions { KeepFraction = keep, FineTuningEpochs = FineTuningEpochs };
                var result = context.IsBinary
                    ? ml.Distillation.Prune(unpruned, train, Options<DistillationBinaryTrainer.Options>(Wide, seed), pruning)
                    : ml.Distillation.Prune(unpruned, train, Options<DistillationRegressionTrainer.Options>(Wide, seed), pruning);
                Add($"KD, pruned to {keep:P0} + {FineTuningEpochs} epochs KD fine-tuning", result.Student, clock.Elapsed);
                clock.Restart();
                var small = Wide.Select(w => (int)Math.Round(w * keep)).ToArray();
                Add($"KD from scratch at {keep:P0} width", Fit(train, small, seed), clock.Elapsed);
            }
        }

        var latencies = InterleavedLatency(runs.Values.Select(r => r[0].Student).ToList());
        var rows = runs.Select((r, i) => new Row(r.Key, r.Value[0].Student.Architecture, r.Value[0].Student.ParameterCount, r.Value[0].Student.ToOnnx().Length,
            MeanStd.Of(r.Value.Select(v => (v.Quality.Auc ?? v.Quality.Rmse)!.Value)),
            MeanStd.Of(r.Value.Select(v => (v.Quality.Accuracy ?? v.Quality.RSquared)!.Value)),
            MeanStd.Of(r.Value.Select(v => v.Time.TotalSeconds)),
            latencies[i].P50, latencies[i].Ratio)).ToList();
        return new Result(context.Dataset.Title, context.IsBinary, FineTuningEpochs, rows);
    }

    private TOptions Options<TOptions>(int[] hidden, int seed) where TOptions : DistillationTrainerOptions, new()
        => new() { Seed = seed, Student = new MlpStudent { HiddenLayers = hidden } };

    private StudentTransformer Fit(IDataView train, int[] hidden, int seed) => context.IsBinary
        ? context.ML.BinaryClassification.Trainers.Distillation(Options<DistillationBinaryTrainer.Options>(hidden, seed)).Fit(train)
        : context.ML.Regression.Trainers.Distillation(Options<DistillationRegressionTrainer.Options>(hidden, seed)).Fit(train);

    /// <summary>
    /// Per round, every model in turn answers a block of single-row calls; the figure is the median over rounds of each
    /// model's p50, and of its p50 divided by the first model's in the same round.
    /// </summary>
    private List<(double P50, double Ratio)> InterleavedLatency(List<StudentTransformer> models)
    {
        var definition = SchemaDefinition.Create(typeof(TabularLatency.FeatureRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, context.FeatureCount);
        var rows = context.ML.Data.CreateEnumerable<TabularLatency.FeatureRow>(context.Test, reuseRowObject: false, schemaDefinition: definition).Take(300).ToArray();
        var engines = models.Select(m => context.ML.Model.CreatePredictionEngine<TabularLatency.FeatureRow, TabularLatency.ScoreRow>(m, inputSchemaDefinition: definition)).ToList();
        const int rounds = 15;
        int calls = Math.Max(200, context.Settings.LatencyCalls / rounds);
        var p50 = models.Select(_ => new List<double>()).ToList();
        var ratios = models.Select(_ => new List<double>()).ToList();
        for (int round = 0; round < rounds; round++)
        {
            var thisRound = engines.Select(e => LatencyStatistics.Measure(i => e.Predict(rows[i % rows.Length]), calls, warmup: round == 0 ? 1000 : 100).P50Microseconds).ToList();
            for (int m = 0; m < models.Count; m++)
            {
                p50[m].Add(thisRound[m]);
                ratios[m].Add(thisRound[m] / thisRound[0]);
            }
        }
        static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        return Enumerable.Range(0, models.Count).Select(m => (Median(p50[m]), Median(ratios[m]))).ToList();
    }

    /// <summary>For binary, A and B are AUC and accuracy; for regression, RMSE and R².</summary>
    internal sealed record Row(string Recipe, string Architecture, long Parameters, int OnnxBytes, MeanStd A, MeanStd B, MeanStd Seconds, double P50Microseconds, double LatencyRatio);

    internal sealed record Result(string Dataset, bool Binary, int FineTuningEpochs, List<Row> Students) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            s.AppendLine(inv, $"Structured pruning on {Dataset} (`ml.Distillation.Prune`, activation criterion, one step, KD α=0.1 fine-tuning for {FineTuningEpochs} epochs):");
            s.AppendLine();
            s.AppendLine(Binary
                ? "| student | recipe | params | ONNX bytes | AUC | accuracy % | seconds (prune + fine-tune, or train) | p50 µs | latency ÷ unpruned |"
                : "| student | recipe | params | ONNX bytes | RMSE | R² | seconds (prune + fine-tune, or train) | p50 µs | latency ÷ unpruned |");
            s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in Students)
            {
                string figures = Binary ? $"{r.A.Format("0.0000")} | {r.B.Percent}" : $"{r.A.Format("N0")} | {r.B.Format("0.0000")}";
                s.AppendLine(inv, $"| {r.Architecture} | {r.Recipe} | {r.Parameters:N0} | {r.OnnxBytes:N0} | {figures} | {r.Seconds.Format("0.0")} | {r.P50MicrosecondsFormatted()} | {r.LatencyRatio:0.00} |");
            }
            s.AppendLine();
            s.AppendLine(inv, $"Mean ± sample std over {(Students.Count > 0 ? Students[0].A.Values.Length : 0)} seeds; params, bytes and latency of the first seed's student.");
            s.AppendLine("Latency: single featurised row through PredictionEngine, 15 interleaved rounds, median p50 and median per-round ratio; other processes shared the 2 cores.");
            return s.ToString();
        }
    }
}

internal static class PruningRowFormat
{
    public static string P50MicrosecondsFormatted(this TabularPruning.Row row) => row.P50Microseconds.ToString("0.0", CultureInfo.InvariantCulture);
}
