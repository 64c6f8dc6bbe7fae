using System.Globalization;

namespace MLNet.Distillation.Cli;

/// <summary>
/// The metric <c>distill train</c>'s verdict compares students on (<c>--metric</c>): a metric of the evaluation table, or
/// the F1 score of the minority class, which ML.NET does not give when that class is the negative one. By default the
/// task's primary metric (accuracy, RMSE); on imbalanced classes, where always answering the majority class already
/// scores a high accuracy, F1 of the minority class (binary) or MacroF1 (multiclass).
/// </summary>
/// <param name="Name">The metric's name in the evaluation (or <see cref="MinorityF1"/>).</param>
/// <param name="HigherIsBetter">Whether a larger value is better.</param>
/// <param name="MinorityClass">For <see cref="MinorityF1"/>: the class whose F1 it is; otherwise null.</param>
/// <param name="Reason">Why this metric: given with <c>--metric</c>, or why the default is this one.</param>
internal sealed record VerdictMetric(string Name, bool HigherIsBetter, string? MinorityClass, string Reason)
{
    /// <summary>The <c>--metric</c> value (and metrics.json name) of the F1 score of the minority class.</summary>
    public const string MinorityF1 = "minority-f1";

    /// <summary>The metric in words, for the console and metrics.json.</summary>
    public string Describe() => MinorityClass is null ? Name : $"F1 of '{MinorityClass}', the minority class";

    /// <summary>The metric's value for <paramref name="model"/> (its per-class accuracy named with the user's class names).</summary>
    public double Of(ModelEvaluation model) => MinorityClass is null ? model.Metric(Name) : ClassF1(model, MinorityClass);

    /// <summary>Whether <paramref name="a"/> is better than <paramref name="b"/>.</summary>
    public bool Better(double a, double b) => HigherIsBetter ? a > b : a < b;

    /// <summary>A value with four decimals, as the tables show it.</summary>
    public static string Format(double value) => value.ToString(Math.Abs(value) >= 100 ? "0.0" : "0.0000", CultureInfo.InvariantCulture);

    /// <summary>Refuses a <c>--metric</c> value that is not one of <paramref name="task"/>'s metrics, naming those it has.</summary>
    public static string Check(string value, DistillationTask task)
    {
        var cliTask = CliTask.Of(task);
        var metrics = cliTask.Metrics;
        var match = metrics.FirstOrDefault(m => m.Name.Equals(value, StringComparison.OrdinalIgnoreCase)
            || m.Aliases.Contains(value, StringComparer.OrdinalIgnoreCase));
        if (match.Name is not null)
            return match.Name;
        string names = string.Join(", ", metrics.Select(m => m.Aliases.Length > 0 ? $"{m.Name} ({string.Join(", ", m.Aliases)})" : m.Name));
        var other = CliTask.All.Where(t => t != cliTask && t.Metrics.Any(m => m.Name.Equals(value, StringComparison.OrdinalIgnoreCase)))
            .Select(t => t.Name).ToArray();
        throw CliException.BadInput($"--metric {value}: not a metric of a {cliTask.Name} task" +
            (other.Length > 0 ? $" (it is a {string.Join(" and ", other)} metric)" : "") + $"; use one of {names}.");
    }

    /// <summary>The verdict's metric: <c>--metric</c>, or the default for the task and the class balance.</summary>
    public static VerdictMetric Choose(string? value, DistillationTask task, ClassBalance? balance)
    {
        var cliTask = CliTask.Of(task);
        bool HigherIsBetter(string name) => cliTask.Metrics.First(m => m.Name == name).HigherIsBetter;
        if (value is not null)
        {
            string name = Check(value, task);
            if (name == MinorityF1)
                return new(name, true, balance!.Minority, "--metric");
            return new(name, HigherIsBetter(name), null, "--metric");
        }
        if (balance is { Imbalanced: true } && cliTask.ImbalancedMetric is string imbalanced)
            return new(imbalanced, HigherIsBetter(imbalanced), imbalanced == MinorityF1 ? balance.Minority : null,
                $"the classes are imbalanced, and always answering '{balance.Majority}' already scores {balance.MajorityShare:P0} accuracy");
        string primary = DistillationEvaluation.PrimaryMetricOf(task);
        return new(primary, HigherIsBetter(primary), null, "the task's primary metric");
    }

    /// <summary>
    /// The F1 score of one class of a binary classifier, from its accuracy (recall) on the rows of each true class: true
    /// positives are the class's rows it got right, false positives the other class's rows it got wrong.
    /// </summary>
    public static double ClassF1(ModelEvaluation model, string className)
    {
        var classes = model.PerClassAccuracy;
        var own = classes.FirstOrDefault(c => c.ClassName == className)
            ?? throw new InvalidOperationException($"The evaluation of '{model.Name}' has no class '{className}' (it has {string.Join(", ", classes.Select(c => c.ClassName))}).");
        double truePositives = Math.Round(own.Accuracy * own.Rows), falseNegatives = own.Rows - truePositives;
        double falsePositives = classes.Where(c => c != own).Sum(c => c.Rows - Math.Round(c.Accuracy * c.Rows));
        double denominator = 2 * truePositives + falsePositives + falseNegatives;
        return denominator == 0 ? 0 : 2 * truePositives / denominator;
    }

    /// <summary>How many rows a binary classifier predicted as <paramref name="className"/>, from its per-class accuracy.</summary>
    public static long PredictedAs(ModelEvaluation model, string className)
    {
        var classes = model.PerClassAccuracy;
        var own = classes.First(c => c.ClassName == className);
        return (long)Math.Round(own.Accuracy * own.Rows) + classes.Where(c => c != own).Sum(c => c.Rows - (long)Math.Round(c.Accuracy * c.Rows));
    }
}
