using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// The evidence for the default thread count (libtorch's own: every core): a training epoch of MLP students from small to
/// large at 1 thread, half the cores and all of them, interleaved, the fastest epoch after the first of three Fits each.
/// A small student spends its time in per-operation dispatch rather than in matrix multiplies, so fewer threads could
/// be as fast and leave cores free; this measures whether they are. Also records whether the thread count changes the
/// trained student (it may: libtorch splits its reductions by thread).
/// </summary>
internal sealed class ThreadCount(SpeedContext context) : IExperiment
{
    private const int Epochs = 4;

    public string Name => "threadCount";

    public ExperimentResult Run()
    {
        int cores = Environment.ProcessorCount;
        int[] counts = new[] { 1, cores / 2, cores }.Where(c => c >= 1).Distinct().Order().ToArray();
        var train = context.Train;
        var fewer = context.ML.Data.TakeRows(train, 10_000);
        var configurations = new (string Student, int[] Hidden, int Batch, IDataView Data, long Rows)[]
        {
            ("784-64-10", [64], 64, train, train.RowCount),
            ("784-64-10", [64], 256, train, train.RowCount),
            ("784-256-10", [256], 256, train, train.RowCount),
            ("784-1024-1024-10", [1024, 1024], 256, fewer, Math.Min(10_000, train.RowCount)),
        };
        var results = new List<Configuration>();
        foreach (var (student, hidden, batch, data, rows) in configurations)
        {
            var best = counts.ToDictionary(c => c, _ => double.MaxValue);
            var students = new Dictionary<int, string>();
            for (int trial = 0; trial < 3; trial++)
                foreach (int threads in counts)
                {
                    var model = context.ML.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
                    {
                        TeacherColumnName = null, Seed = 1, NumberOfEpochs = Epochs, BatchSize = batch, NumberOfThreads = threads,
                        ValidationFraction = 0, AutomaticEarlyStopping = false, Student = new MlpStudent { HiddenLayers = hidden },
                    }).Fit(data);
                    best[threads] = Math.Min(best[threads], model.TrainingHistory.Skip(1).Min(e => e.Elapsed.TotalSeconds));
                    students[threads] = Convert.ToHexString(SHA256.HashData(model.ToOnnx()));
                }
            var configuration = new Configuration(student, batch, rows, best.ToDictionary(b => b.Key.ToString(CultureInfo.InvariantCulture), b => b.Value),
                best[counts[0]] / best[cores], students.Values.Distinct().Count() == 1);
            context.Log($"threads: {student} batch {batch}: {string.Join(", ", best.Select(b => $"{b.Key} → {b.Value:F4} s"))}");
            results.Add(configuration);
        }
        return new Result(cores, counts, results);
    }

    internal sealed record Configuration(string Student, int BatchSize, long Rows, Dictionary<string, double> SecondsByThreads,
        double OneThreadOverAllCores, bool SameStudentAtEveryCount);

    internal sealed record Result(int Cores, int[] ThreadCounts, List<Configuration> Configurations) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var inv = CultureInfo.InvariantCulture;
            var s = new StringBuilder();
            s.AppendLine(inv, $"Seconds per epoch (fastest after the first, 3 Fits of {Epochs} epochs, interleaved), students from labels on Fashion-MNIST, {Cores} cores:");
            s.AppendLine();
            s.AppendLine("| student | batch | rows | " + string.Join(" | ", ThreadCounts.Select(t => $"{t} thread{(t == 1 ? "" : "s")} s")) + " | 1 thread ÷ all cores | same student at every count |");
            s.AppendLine("|---|---:|---:|" + string.Concat(ThreadCounts.Select(_ => "---:|")) + "---:|---|");
            foreach (var c in Configurations)
                s.AppendLine(inv, $"| {c.Student} | {c.BatchSize} | {c.Rows:N0} | {string.Join(" | ", ThreadCounts.Select(t => c.SecondsByThreads[t.ToString(inv)].ToString("F4", inv)))} | {c.OneThreadOverAllCores:F2} | {(c.SameStudentAtEveryCount ? "yes" : "no")} |");
            return s.ToString();
        }
    }
}
