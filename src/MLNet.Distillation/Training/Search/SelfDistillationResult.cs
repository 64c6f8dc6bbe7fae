namespace MLNet.Distillation;

/// <summary>One generation of a self-distillation run: its student and its score on the held-out rows.</summary>
/// <param name="Generation">0 for the student from labels alone; generation k learned from generation k − 1.</param>
/// <param name="Metric">What <paramref name="Score"/> is: micro accuracy (multiclass), AUC (binary) or R² (regression); higher is better.</param>
/// <param name="Score">The generation's metric on the held-out rows.</param>
/// <param name="Student">The generation's student, trained on the training part of the data.</param>
public sealed record SelfDistillationGeneration(int Generation, string Metric, double Score, StudentTransformer Student)
{
    /// <inheritdoc/>
    public override string ToString() => $"generation {Generation}: {Metric} {Score:0.0000}";
}

/// <summary>The generations of a self-distillation run, in order (generation 0 first).</summary>
/// <param name="Generations">Every generation, generation 0 (labels alone) first.</param>
public sealed record SelfDistillationResult(IReadOnlyList<SelfDistillationGeneration> Generations)
{
    /// <summary>The generation with the best held-out score (the earliest on ties; generation 0 when no later one beat it).</summary>
    public SelfDistillationGeneration Best => Generations.Aggregate((best, g) => g.Score > best.Score ? g : best);
}
