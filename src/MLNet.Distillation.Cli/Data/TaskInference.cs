namespace MLNet.Distillation.Cli;

/// <summary>
/// The task a label column calls for, and whether a task given with <c>--task</c> fits it: Boolean values (or 0/1, or
/// exactly two text values) → binary; text, or whole numbers with at most <see cref="MaximumInferredClasses"/> distinct
/// values → multiclass; other numbers → regression.
/// </summary>
internal static class TaskInference
{
    /// <summary>Whole-number labels with at most this many distinct values are read as classes when <c>--task</c> is not given.</summary>
    public const int MaximumInferredClasses = 20;

    /// <summary>The task <paramref name="label"/> calls for, and why (for the console).</summary>
    public static (DistillationTask Task, string Reason) Infer(InferredColumn label)
    {
        if (label.Kind == ColumnKind.Boolean)
            return (DistillationTask.BinaryClassification, "its values are true/false");
        if (IsZeroOne(label))
            return (DistillationTask.BinaryClassification, "its values are 0 and 1");
        if (label.Kind == ColumnKind.Numeric)
            return label.AllIntegers && !label.ManyDistinct && label.Distinct.Count <= MaximumInferredClasses
                ? (DistillationTask.MulticlassClassification, $"{label.Distinct.Count} distinct whole numbers")
                : (DistillationTask.Regression, label.AllIntegers ? $"{(label.ManyDistinct ? "many" : label.Distinct.Count.ToString())} distinct numbers" : "its values are numbers with fractions");
        return label.Distinct.Count == 2
            ? (DistillationTask.BinaryClassification, "it has two values")
            : (DistillationTask.MulticlassClassification, $"{(label.ManyDistinct ? "many" : label.Distinct.Count.ToString())} distinct text values");
    }

    /// <summary>Checks that <paramref name="task"/> can learn from <paramref name="label"/>; a bad-input error naming both otherwise.</summary>
    public static void Check(DistillationTask task, InferredColumn label, string fileName)
    {
        string values = string.Join(", ", label.Distinct.Take(6).Select(v => $"'{v}'")) + (label.Distinct.Count > 6 || label.ManyDistinct ? ", ..." : "");
        switch (task)
        {
            case DistillationTask.BinaryClassification when !(label.Kind == ColumnKind.Boolean || IsZeroOne(label) || (label.Kind != ColumnKind.Numeric && label.Distinct.Count == 2)):
                throw CliException.BadInput($"--task binary: label '{label.Name}' in {fileName} has {(label.ManyDistinct ? "many" : label.Distinct.Count.ToString())} distinct values ({values}); " +
                    "binary needs true/false, 0/1 or two text values. Use --task multiclass or regression.");
            case DistillationTask.Regression when label.Kind != ColumnKind.Numeric:
                throw CliException.BadInput($"--task regression: label '{label.Name}' in {fileName} is not numeric (values such as {values}). Use --task multiclass or binary.");
            case DistillationTask.MulticlassClassification when label.ManyDistinct:
                throw CliException.BadInput($"--task multiclass: label '{label.Name}' in {fileName} has more than {CsvColumnInference.DistinctLimit} distinct values; use --task regression for numbers.");
        }
        if (task != DistillationTask.Regression && label.Missing > 0)
            throw CliException.BadInput($"label '{label.Name}' in {fileName} is empty on {label.Missing} rows; a classifier needs a label on every row (fill or remove those rows).");
        if (task != DistillationTask.Regression && label.Distinct.Count < 2)
            throw CliException.BadInput($"label '{label.Name}' in {fileName} has a single value ({values}); a classifier needs at least two.");
    }

    /// <summary>A label written as exactly 0 and 1 (or one of them).</summary>
    public static bool IsZeroOne(InferredColumn label)
        => label.Kind == ColumnKind.Numeric && label.Distinct.Count > 0 && label.Distinct.All(v => v is "0" or "1");

    /// <summary>The name <c>--task</c> takes for a task.</summary>
    public static string Name(DistillationTask task) => task switch
    {
        DistillationTask.BinaryClassification => "binary",
        DistillationTask.MulticlassClassification => "multiclass",
        _ => "regression",
    };

    /// <summary>Parses <c>--task</c>.</summary>
    public static DistillationTask Parse(string value) => value.ToLowerInvariant() switch
    {
        "binary" => DistillationTask.BinaryClassification,
        "multiclass" => DistillationTask.MulticlassClassification,
        "regression" => DistillationTask.Regression,
        _ => throw CliException.BadInput($"--task {value}: must be binary, multiclass or regression."),
    };
}
