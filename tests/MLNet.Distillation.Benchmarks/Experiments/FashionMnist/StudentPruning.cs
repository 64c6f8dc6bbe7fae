using System.Globalization;
using System.Text;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Structured pruning of the distilled small CNN (conv8-conv16-dense64, KD T=4 α=0.1): channels and dense units pruned to
/// 50 % and 25 % (<c>ml.Distillation.Prune</c>, activation criterion, one step) with KD fine-tuning, against the unpruned
/// student and CNNs of the small sizes distilled from scratch, both for as many epochs as the unpruned one and for as many
/// as the pruned one saw in all (unpruned + fine-tuning), so extra training is not mistaken for the pruning's merit. Every
/// seed of the settings (mean ± sample std); single-row latency through PredictionEngine of the first seed's students,
/// measured interleaved, as ratios to the unpruned student.
/// </summary>
internal sealed class StudentPruning(FashionMnistContext context) : IExperiment
{
    public string Name => "pruning";

    private static CnnStudent Cnn(double keep) => new()
    {
        InputShape = [1, 28, 28], ConvChannels = [(int)Math.Round(8 * keep), (int)Math.Round(16 * keep)], DenseLayers = [(int)Math.Round(64 * keep)], Dropout = 0,
    };

    public ExperimentResult Run()
    {
        var ml = context.ML;
        int epochs = context.Settings.CnnStudentEpochs, fineTuning = Math.Max(2, epochs / 2);
        using var teacher = Teacher.FromStudent(context.Teacher);
        var train = ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = teacher, CacheDirectory = context.CacheFolder })
            .Fit(context.Train).Transform(context.Train);

        // Per recipe, in table order: the students of every seed and their seconds.
        var recipes = new List<(string Recipe, List<(StudentTransformer Student, double Seconds)> Runs)>();
        void Add(int index, string recipe, StudentTransformer student, double seconds)
        {
            if (recipes.Count <= index) recipes.Add((recipe, []));
            recipes[index].Runs.Add((student, seconds));
        }
        foreach (int seed in context.Settings.Seeds)
        {
            DistillationMulticlassTrainer.Options Options(CnnStudent student, int n) => new() { Student = student, NumberOfEpochs = n, BatchSize = 128, Seed = seed };
            int index = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var unpruned = ml.MulticlassClassification.Trainers.Distillation(Options(Cnn(1), epochs)).Fit(train);
            Add(index++, "KD, unpruned", unpruned, clock.Elapsed.TotalSeconds);
            foreach (double keep in new[] { 0.5, 0.25 })
            {
                clock.Restart();
                var pruned = ml.Distillation.Prune(unpruned, train, Options(Cnn(1), epochs), new PruningOptions { KeepFraction = keep, FineTuningEpochs = fineTuning });
                Add(index++, $"KD, pruned to {keep:P0} + {fineTuning} epochs KD fine-tuning", pruned.Student, clock.Elapsed.TotalSeconds);
                foreach (int n in new[] { epochs, epochs + fineTuning })
                {
                    clock.Restart();
                    Add(index++, $"KD from scratch at {keep:P0} width, {n} epochs", ml.MulticlassClassification.Trainers.Distillation(Options(Cnn(keep), n)).Fit(train), clock.Elapsed.TotalSeconds);
                }
            }
            context.Log($"pruning, seed {seed} done");
        }
        var rows = recipes.Select(r => (r.Recipe, r.Runs[0].Student, r.Runs[0].Seconds)).ToList();

        var inputs = ml.Data.CreateEnumerable<ImageInput>(context.Test, reuseRowObject: false).Take(500).ToArray();
        var engines = rows.Select(r => ml.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(r.Student)).ToList();
        const int rounds = 15;
        int calls = Math.Max(200, context.Settings.LatencyCalls / rounds);
        var p50 = rows.Select(_ => new List<double>()).ToList();
        var ratio = rows.Select(_ => new List<double>()).ToList();
        for (int round = 0; round < rounds; round++)
        {
            var measured = engines.Select(e => LatencyStatistics.Measure(i => e.Predict(inputs[i % inputs.Length]), calls, warmup: round == 0 ? 500 : 50).P50Microseconds).ToList();
            for (int m = 0; m < rows.Count; m++)
            {
                p50[m].Add(measured[m]);
                ratio[m].Add(measured[m] / measured[0]);
            }
        }
        static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        static (double Mean, double Std) Spread(IReadOnlyList<double> v)
        {
            double mean = v.Average();
            return (mean, v.Count < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)));
        }
        var result = recipes.Select((r, m) =>
        {
            var qualities = r.Runs.Select(run => ModelQuality.Of(ml, run.Student.Transform(context.Test), context.TeacherTest)).ToList();
            var accuracy = Spread(qualities.Select(q => q.Accuracy).ToList());
            var agreement = Spread(qualities.Select(q => q.AgreementWithTeacher ?? double.NaN).ToList());
            var first = r.Runs[0].Student;
            context.Log($"pruning, {r.Recipe} ({first.Architecture}): accuracy {accuracy.Mean:P2} ± {accuracy.Std:P2}, p50 {Median(p50[m]):0.0} µs");
            return new Row(r.Recipe, first.Architecture, first.ParameterCount, first.ToOnnx().Length, accuracy.Mean, accuracy.Std, agreement.Mean, agreement.Std,
                r.Runs.Average(run => run.Seconds), Median(p50[m]), Median(ratio[m]));
        }).ToList();
        return new Result(context.Settings.Seeds, result);
    }

    internal sealed record Row(string Recipe, string Architecture, long Parameters, int OnnxBytes, double Accuracy, double AccuracyStd, double Agreement, double AgreementStd,
        double Seconds, double P50Microseconds, double LatencyRatio);

    internal sealed record Result(int[] Seeds, List<Row> Students) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            s.AppendLine(inv, $"Structured pruning of the distilled small CNN (`ml.Distillation.Prune`, activation criterion, one step, KD T=4 α=0.1 fine-tuning; " +
                $"mean ± sample std over seeds {string.Join(", ", Seeds)}):");
            s.AppendLine();
            s.AppendLine("| student | recipe | params | ONNX bytes | accuracy % | agreement with teacher % | seconds (prune + fine-tune, or train; mean) | p50 µs | latency ÷ unpruned |");
            s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in Students)
                s.AppendLine(inv, $"| {r.Architecture} | {r.Recipe} | {r.Parameters:N0} | {r.OnnxBytes:N0} | {r.Accuracy * 100:0.00} ± {r.AccuracyStd * 100:0.00} | " +
                    $"{r.Agreement * 100:0.00} ± {r.AgreementStd * 100:0.00} | {r.Seconds:0.0} | {r.P50Microseconds:0.0} | {r.LatencyRatio:0.00} |");
            s.AppendLine();
            s.AppendLine("Latency: one image through PredictionEngine (the first seed's students), 15 interleaved rounds, median p50 and median per-round ratio; other processes shared the 2 cores.");
            return s.ToString();
        }
    }
}
