using System.Globalization;
using System.Text;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Structured pruning of the distilled small CNN (conv8-conv16-dense64, KD T=4 α=0.1): channels and dense units pruned to
/// 50 % and 25 % (<c>ml.Distillation.Prune</c>, activation criterion, one step) with KD fine-tuning, against the unpruned
/// student and CNNs of the small sizes distilled from scratch for as many epochs as the unpruned one. One seed (the first
/// of the settings). Single-row latency through PredictionEngine measured interleaved, as ratios to the unpruned student.
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
        int epochs = context.Settings.CnnStudentEpochs, fineTuning = Math.Max(2, epochs / 2), seed = context.Settings.Seeds[0];
        using var teacher = Teacher.FromStudent(context.Teacher);
        var train = ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = teacher, CacheDirectory = context.CacheFolder })
            .Fit(context.Train).Transform(context.Train);
        DistillationMulticlassTrainer.Options Options(CnnStudent student) => new() { Student = student, NumberOfEpochs = epochs, BatchSize = 128, Seed = seed };

        var rows = new List<(string Recipe, StudentTransformer Student, double Seconds)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var unpruned = ml.MulticlassClassification.Trainers.Distillation(Options(Cnn(1))).Fit(train);
        rows.Add(("KD, unpruned", unpruned, clock.Elapsed.TotalSeconds));
        foreach (double keep in new[] { 0.5, 0.25 })
        {
            clock.Restart();
            var pruned = ml.Distillation.Prune(unpruned, train, Options(Cnn(1)), new PruningOptions { KeepFraction = keep, FineTuningEpochs = fineTuning });
            rows.Add(($"KD, pruned to {keep:P0} + {fineTuning} epochs KD fine-tuning", pruned.Student, clock.Elapsed.TotalSeconds));
            clock.Restart();
            rows.Add(($"KD from scratch at {keep:P0} width, {epochs} epochs", ml.MulticlassClassification.Trainers.Distillation(Options(Cnn(keep))).Fit(train), clock.Elapsed.TotalSeconds));
        }

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
        var result = rows.Select((r, m) =>
        {
            var quality = ModelQuality.Of(ml, r.Student.Transform(context.Test), context.TeacherTest);
            context.Log($"pruning, {r.Recipe} ({r.Student.Architecture}): accuracy {quality.Accuracy:P2}, {r.Seconds:0.0} s, p50 {Median(p50[m]):0.0} µs");
            return new Row(r.Recipe, r.Student.Architecture, r.Student.ParameterCount, r.Student.ToOnnx().Length, quality.Accuracy, quality.AgreementWithTeacher ?? double.NaN,
                r.Seconds, Median(p50[m]), Median(ratio[m]));
        }).ToList();
        return new Result(seed, result);
    }

    internal sealed record Row(string Recipe, string Architecture, long Parameters, int OnnxBytes, double Accuracy, double Agreement, double Seconds, double P50Microseconds, double LatencyRatio);

    internal sealed record Result(int Seed, List<Row> Students) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            s.AppendLine(inv, $"Structured pruning of the distilled small CNN (`ml.Distillation.Prune`, activation criterion, one step, KD T=4 α=0.1 fine-tuning; seed {Seed}):");
            s.AppendLine();
            s.AppendLine("| student | recipe | params | ONNX bytes | accuracy % | agreement with teacher % | seconds (prune + fine-tune, or train) | p50 µs | latency ÷ unpruned |");
            s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in Students)
                s.AppendLine(inv, $"| {r.Architecture} | {r.Recipe} | {r.Parameters:N0} | {r.OnnxBytes:N0} | {r.Accuracy * 100:0.00} | {r.Agreement * 100:0.00} | {r.Seconds:0.0} | {r.P50Microseconds:0.0} | {r.LatencyRatio:0.00} |");
            s.AppendLine();
            s.AppendLine("Latency: one image through PredictionEngine, 15 interleaved rounds, median p50 and median per-round ratio; other processes shared the 2 cores.");
            return s.ToString();
        }
    }
}
