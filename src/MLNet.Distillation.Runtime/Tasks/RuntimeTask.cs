namespace MLNet.Distillation.Runtime;

/// <summary>
/// What differs between tasks when <see cref="MlpStudentPredictor"/> runs an exported student: which ONNX outputs tell
/// the task, how many logits it has, and how the logits become <c>Score</c>, a class and a probability. The predictor and
/// the graph reader ask this object and never the task enum, so a new task is a new subclass added to <see cref="All"/>.
/// </summary>
internal abstract class RuntimeTask
{
    /// <summary>
    /// Every task, in the order the graph reader asks whether a file's outputs are theirs: the registry. The more
    /// specific outputs come first (binary writes <c>PredictedLabel</c> too, beside its <c>Probability</c>).
    /// </summary>
    public static IReadOnlyList<RuntimeTask> All { get; } =
        [BinaryRuntimeTask.Instance, MulticlassRuntimeTask.Instance, RegressionRuntimeTask.Instance];

    /// <summary>The task of a student whose ONNX graph has <paramref name="outputs"/>: the first of <see cref="All"/> they fit.</summary>
    public static RuntimeTask Writing(IReadOnlySet<string> outputs) => All.First(task => task.Writes(outputs));

    /// <summary>The task as the public API names it.</summary>
    public abstract DistillationTask Kind { get; }

    /// <summary>Whether a graph with <paramref name="outputs"/> is this task's export (asked in <see cref="All"/>'s order).</summary>
    public abstract bool Writes(IReadOnlySet<string> outputs);

    /// <summary>Whether the student has exactly one logit per row (every task but multiclass, which has one per class).</summary>
    public virtual bool HasOneLogit => true;

    /// <summary>Why this task's students predict no class, or null when they do; <c>PredictClass</c> refuses with it.</summary>
    public virtual string? NoClass => null;

    /// <summary>
    /// Why this task's students give no probability, or null when they do; <c>PredictProbability</c> refuses with it
    /// (before running the network, so a wrong call fails the same way whatever the row).
    /// </summary>
    public virtual string? NoProbability => $"Only binary students give a probability; this one is {Kind}: call Score.";

    /// <summary>ML.NET's <c>Score</c> column from the logits: by default the logits themselves.</summary>
    public virtual void Score(ReadOnlySpan<float> logits, Span<float> score) => logits.CopyTo(score);

    /// <summary>The predicted class from the logits; only called when <see cref="NoClass"/> is null.</summary>
    public abstract int ClassOf(ReadOnlySpan<float> logits);

    /// <summary>
    /// The probability of the positive class from the logits, computed in <paramref name="buffer"/> (the predictor's own);
    /// only called when <see cref="NoProbability"/> is null.
    /// </summary>
    public virtual float Probability(ReadOnlySpan<float> logits, Span<float> buffer) => throw new InvalidOperationException(NoProbability);
}
