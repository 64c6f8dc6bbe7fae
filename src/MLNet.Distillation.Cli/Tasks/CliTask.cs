using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// What differs between tasks on the command line: the name <c>--task</c> takes, which labels the task reads and how it
/// loads and maps them, its teacher, the metrics its verdict and sweep compare on, the options and notes that apply to
/// it, and the ModelOutput class of its consumption code. Every command asks this object and never the task enum, so a
/// new task is a new subclass registered in <see cref="All"/>. (The library's own task object is internal to it; this
/// one covers what the command line adds.)
/// </summary>
internal abstract class CliTask
{
    /// <summary>
    /// Every task: the registry, the one place a task is added. In the order a label's task is inferred (the first that
    /// claims it: binary before multiclass, which also reads two text values) and in which <c>--task</c> lists them.
    /// </summary>
    public static IReadOnlyList<CliTask> All { get; } = [BinaryCliTask.Instance, MulticlassCliTask.Instance, RegressionCliTask.Instance];

    /// <summary>The command line's view of <paramref name="task"/>: the registered task of that kind.</summary>
    /// <exception cref="NotSupportedException"><paramref name="task"/> is not a task the library trains.</exception>
    public static CliTask Of(DistillationTask task)
        => All.FirstOrDefault(registered => registered.Kind == task) ?? throw new NotSupportedException($"No distillation task {task}.");

    /// <summary>Parses <c>--task</c>: one of the tasks' <see cref="Name"/>s, in any case.</summary>
    public static CliTask Parse(string value)
        => All.FirstOrDefault(task => task.Name == value.ToLowerInvariant())
            ?? throw CliException.BadInput($"--task {value}: must be {string.Join(", ", All.SkipLast(1).Select(t => t.Name))} or {All[^1].Name}.");

    /// <summary>The task as the library names it.</summary>
    public abstract DistillationTask Kind { get; }

    /// <summary>The name <c>--task</c> takes, and the console, metrics.json and sweep.json write: "binary".</summary>
    public abstract string Name { get; }

    /// <summary>Whether the label is a class (the class balance, the test file's classes and a label on every row are checked).</summary>
    public virtual bool HasClasses => true;

    /// <summary>Whether the soft targets have a softening temperature (<c>--temperature</c>, the sweep's <c>--temperatures</c>).</summary>
    public virtual bool HasTemperature => true;

    /// <summary>
    /// Why <paramref name="label"/> calls for this task, for the console, or null when it does not: asked in
    /// <see cref="All"/>'s order when <c>--task</c> is not given, so each task claims what the ones before it left.
    /// </summary>
    public abstract string? Claim(InferredColumn label);

    /// <summary>Checks that the task can learn from <paramref name="label"/>; a bad-input error naming both otherwise.</summary>
    public void Check(InferredColumn label, string fileName)
    {
        string values = string.Join(", ", label.Distinct.Take(6).Select(v => $"'{v}'"))
            + (label.Distinct.Count > 6 || label.ManyDistinct ? ", ..." : "");
        CheckLabel(label, fileName, values);
        if (HasClasses && label.Missing > 0)
            throw CliException.BadInput($"label '{label.Name}' in {fileName} is empty on {label.Missing} rows; " +
                "a classifier needs a label on every row (fill or remove those rows).");
        if (HasClasses && label.Distinct.Count < 2)
            throw CliException.BadInput($"label '{label.Name}' in {fileName} has a single value ({values}); a classifier needs at least two.");
    }

    /// <summary>The task's own refusal of a label it cannot read (<paramref name="values"/>: the first few, for the message).</summary>
    protected abstract void CheckLabel(InferredColumn label, string fileName, string values);

    /// <summary>How many distinct values the label has, for a message: a count, or "many" past the inference's limit.</summary>
    protected static string DistinctCount(InferredColumn label) => label.ManyDistinct ? "many" : label.Distinct.Count.ToString();

    /// <summary>
    /// The label's negative and positive class as the file writes them, and whether a true/false or 0/1 label is read the
    /// other way round; by default none, and <c>--positive</c> (<paramref name="positive"/>) refused.
    /// </summary>
    public virtual (string? Negative, string? Positive, bool Inverts) Classes(InferredColumn label, string? positive, string fileName)
    {
        if (positive is not null)
            throw CliException.BadInput($"--positive {positive}: only a binary task has a positive class, " +
                $"and label '{label.Name}' in {fileName} is {Name}.");
        return (null, null, false);
    }

    /// <summary>Whether the label is loaded as Boolean rather than as a number or text.</summary>
    public virtual bool LoadsLabelAsBoolean(InferredColumn label) => false;

    /// <summary>The user's name of a class as the evaluation names it; by default the same.</summary>
    public virtual string ClassName(Featurization plan, string evaluationName) => evaluationName;

    /// <summary>The console's line about the label beside the task's, or null for none.</summary>
    /// <param name="plan">The featurisation.</param>
    /// <param name="positiveGiven">Whether <c>--positive</c> was given.</param>
    public virtual string? LabelLine(Featurization plan, bool positiveGiven) => null;

    /// <summary>
    /// <paramref name="chain"/> with the label copied (or mapped) into <see cref="Featurization.LabelColumn"/> in the type
    /// the task's trainer reads; by default copied as loaded.
    /// </summary>
    public virtual IEstimator<ITransformer> AppendLabel(MLContext mlContext, Featurization plan, IEstimator<ITransformer> chain)
        => plan.Label.Name == Featurization.LabelColumn
            ? chain
            : chain.Append(mlContext.Transforms.CopyColumns(Featurization.LabelColumn, plan.Label.Name));

    /// <summary>
    /// The stage the saved model ends with after the student, or null for none: what turns its predictions back into the
    /// label's own values (<paramref name="student"/> and the featurised <paramref name="train"/> rows give the schema).
    /// </summary>
    public virtual ITransformer? LabelValues(MLContext mlContext, ITransformer student, IDataView train) => null;

    /// <summary>ML.NET's LightGbm trainer of the task (<c>--teacher lightgbm</c>).</summary>
    public abstract IEstimator<ITransformer> LightGbm(MLContext mlContext, string label, string features);

    /// <summary>The metric the library's search ranks on (AUC, micro accuracy, R²) of <paramref name="scored"/> rows.</summary>
    public abstract double SearchScore(MLContext mlContext, IDataView scored);

    /// <summary>The task's metrics as the evaluation names them, whether higher is better, and the short names <c>--metric</c> also takes.</summary>
    public abstract IReadOnlyList<(string Name, bool HigherIsBetter, string[] Aliases)> Metrics { get; }

    /// <summary>The verdict's default metric when the classes are imbalanced (accuracy flatters then), or null to keep the primary one.</summary>
    public virtual string? ImbalancedMetric => null;

    /// <summary>Whether train notes how often each student predicts the minority class when the classes are imbalanced.</summary>
    public virtual bool NotesMinorityPredictions => false;

    /// <summary>Whether train gives the report the models' predictions against the true values (and notes predictions out of range).</summary>
    public virtual bool ReportsPredictions => false;

    /// <summary>
    /// Whether the default soft-target term carries the teacher's entropy, which the loss shown leaves out
    /// (<see cref="SoftTargetEntropy"/>).
    /// </summary>
    public virtual bool ShowsSoftTargetKLPart => false;

    /// <summary>The consumption code's ModelOutput members, one line each (empty lines between members).</summary>
    public abstract IEnumerable<string> ModelOutputMembers(Featurization plan);

    /// <summary>The consumption code's example expression printed for one prediction.</summary>
    public abstract string OutputExample { get; }
}
