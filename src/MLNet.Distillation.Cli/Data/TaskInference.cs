namespace MLNet.Distillation.Cli;

/// <summary>
/// The task a label column calls for when <c>--task</c> is not given: the first of <see cref="CliTask.All"/> that claims
/// it. Boolean values (or 0/1, or exactly two text values) → binary; text, or whole numbers with at most
/// <see cref="MulticlassCliTask.MaximumInferredClasses"/> distinct values → multiclass; other numbers → regression.
/// </summary>
internal static class TaskInference
{
    /// <summary>The task <paramref name="label"/> calls for, and why (for the console).</summary>
    public static (DistillationTask Task, string Reason) Infer(InferredColumn label)
    {
        foreach (var task in CliTask.All)
        {
            if (task.Claim(label) is string reason)
                return (task.Kind, reason);
        }
        // Unreachable while the tasks together claim every label (multiclass any text, regression any number).
        throw new InvalidOperationException($"No task claims label '{label.Name}'.");
    }

    /// <summary>A label written as exactly 0 and 1 (or one of them).</summary>
    public static bool IsZeroOne(InferredColumn label)
        => label.Kind == ColumnKind.Numeric && label.Distinct.Count > 0 && label.Distinct.All(v => v is "0" or "1");
}
