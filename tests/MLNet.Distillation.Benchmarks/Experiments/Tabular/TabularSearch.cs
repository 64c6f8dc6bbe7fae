using System.Globalization;
using System.Text;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// The temperature and alpha search on the table (every default but the grid): binary T ∈ {1, 2, 4, 8} × α ∈ {0.1, 0.5, 0.9},
/// regression α ∈ {0.1, 0.5, 0.9}, plus the student from labels alone, ranked on 20 % of the training rows. The chosen
/// student and the labels-only one are then scored on the test split, which the search never saw.
/// </summary>
internal sealed class TabularSearch(TabularContext context) : IExperiment
{
    public string Name => $"{context.Dataset.ModelDataName}.search";

    public ExperimentResult Run()
    {
        var ml = context.ML;
        var scored = ml.Data.Cache(ml.Transforms.TeacherScore(Teacher.FromTransformer(context.Teacher)).Fit(context.Train).Transform(context.Train));
        var search = new DistillationSearchOptions { Temperatures = [1f, 2f, 4f, 8f], Alphas = [0.1f, 0.5f, 0.9f], Seed = 1 };
        var result = context.IsBinary
            ? ml.Distillation.SearchTemperatureAndAlpha(scored, new DistillationBinaryTrainer.Options { Seed = 1 }, search)
            : ml.Distillation.SearchTemperatureAndAlpha(scored, new DistillationRegressionTrainer.Options { Seed = 1 }, search);
        double Test(DistillationTrial trial) => context.IsBinary
            ? ml.BinaryClassification.Evaluate(trial.Student.Transform(context.Test)).AreaUnderRocCurve
            : ml.Regression.Evaluate(trial.Student.Transform(context.Test)).RSquared;
        var trials = result.Trials.Select(t => new Trial(t.FromLabelsAlone ? "from labels alone" : context.IsBinary ? $"T={t.Temperature:0.##} α={t.Alpha:0.##}" : $"α={t.Alpha:0.##}",
            t.Metric, t.Score)).ToList();
        var outcome = new Result(context.Dataset.Title, trials, result.Best.FromLabelsAlone ? "from labels alone" : trials[0].Setting,
            Test(result.Best), Test(result.FromLabelsAlone));
        context.Log($"search on {context.Dataset.Title}: best {outcome.Chosen} (held-out {trials[0].Score:0.0000}); test {outcome.ChosenTest:0.0000} against labels alone {outcome.LabelsAloneTest:0.0000}");
        return outcome;
    }

    internal sealed record Trial(string Setting, string Metric, double Score);

    internal sealed record Result(string Data, List<Trial> Trials, string Chosen, double ChosenTest, double LabelsAloneTest) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            s.AppendLine(inv, $"Temperature and alpha search on {Data} (`ml.Distillation.SearchTemperatureAndAlpha`, library defaults, seed 1), ranked on 20 % of the training rows:");
            s.AppendLine();
            s.AppendLine(inv, $"| rank | setting | held-out {Trials[0].Metric} |");
            s.AppendLine("|---:|---|---:|");
            for (int i = 0; i < Trials.Count; i++)
                s.AppendLine(inv, $"| {i + 1} | {Trials[i].Setting} | {Trials[i].Score:0.0000} |");
            s.AppendLine();
            s.AppendLine(inv, $"On the test split (never seen by the search): the chosen student ({Chosen}) {ChosenTest:0.0000}, the student from labels alone {LabelsAloneTest:0.0000}.");
            return s.ToString();
        }
    }
}
