using System.Globalization;
using System.Text;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Born-again generations of the default MLP on the table (<c>ml.Distillation.SelfDistill</c>, library defaults, three
/// generations after the student from labels alone), each scored on 20 % of the training rows and on the test split.
/// </summary>
internal sealed class TabularSelfDistillation(TabularContext context) : IExperiment
{
    public string Name => $"{context.Dataset.ModelDataName}.selfDistillation";

    public ExperimentResult Run()
    {
        var ml = context.ML;
        var result = context.IsBinary
            ? ml.Distillation.SelfDistill(context.Train, new DistillationBinaryTrainer.Options { Seed = 1 }, generations: 3, seed: 1)
            : ml.Distillation.SelfDistill(context.Train, new DistillationRegressionTrainer.Options { Seed = 1 }, generations: 3, seed: 1);
        double Test(StudentTransformer student) => context.IsBinary
            ? ml.BinaryClassification.Evaluate(student.Transform(context.Test)).AreaUnderRocCurve
            : ml.Regression.Evaluate(student.Transform(context.Test)).RSquared;
        var rows = result.Generations.Select(g => new Generation(g.Generation, g.Metric, g.Score, Test(g.Student))).ToList();
        context.Log($"self-distillation on {context.Dataset.Title}: " + string.Join("; ", rows.Select(r => $"generation {r.Index}: held-out {r.HeldOut:0.0000}, test {r.Test:0.0000}")));
        return new Result(context.Dataset.Title, rows);
    }

    internal sealed record Generation(int Index, string Metric, double HeldOut, double Test);

    internal sealed record Result(string Data, List<Generation> Generations) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            s.AppendLine(inv, $"Self-distillation on {Data} (`ml.Distillation.SelfDistill`, library defaults, seed 1; generation 0 learns from labels alone, each later one from the one before):");
            s.AppendLine();
            s.AppendLine(inv, $"| generation | held-out {Generations[0].Metric} (20 % of the training rows) | test {Generations[0].Metric} |");
            s.AppendLine("|---:|---:|---:|");
            foreach (var g in Generations)
                s.AppendLine(inv, $"| {g.Index} | {g.HeldOut:0.0000} | {g.Test:0.0000} |");
            return s.ToString();
        }
    }
}
