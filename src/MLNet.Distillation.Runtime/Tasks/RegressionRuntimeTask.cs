namespace MLNet.Distillation.Runtime;

/// <summary>A number: one output, <c>Score</c> is the prediction in the label's units; no class, no probability.</summary>
internal sealed class RegressionRuntimeTask : RuntimeTask
{
    public static RegressionRuntimeTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.Regression;

    /// <summary>Asked last: a graph with neither classifier output is a regression student's.</summary>
    public override bool Writes(IReadOnlySet<string> outputs) => true;

    public override string? NoClass => "A regression student predicts no class: call Score.";

    public override int ClassOf(ReadOnlySpan<float> logits) => throw new InvalidOperationException(NoClass);
}
