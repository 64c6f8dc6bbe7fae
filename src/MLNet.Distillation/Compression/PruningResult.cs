namespace MLNet.Distillation;

/// <summary>A pruned and fine-tuned student, with the sizes before and after.</summary>
/// <param name="Student">The fine-tuned smaller student (the teacher stages of a chain given to Prune are not part of it).</param>
/// <param name="Criterion">How the units were ranked.</param>
/// <param name="OriginalWidths">Widths of the prunable layers before pruning, convolutions first, then hidden dense layers.</param>
/// <param name="PrunedWidths">Their widths after pruning, in the same order.</param>
/// <param name="OriginalParameterCount">Trainable parameters before pruning.</param>
/// <param name="PrunedParameterCount">Trainable parameters after pruning.</param>
public sealed record PruningResult(
    StudentTransformer Student,
    PruningCriterion Criterion,
    IReadOnlyList<int> OriginalWidths,
    IReadOnlyList<int> PrunedWidths,
    long OriginalParameterCount,
    long PrunedParameterCount)
{
    /// <inheritdoc/>
    public override string ToString()
        => $"widths [{string.Join(", ", OriginalWidths)}] → [{string.Join(", ", PrunedWidths)}], parameters {OriginalParameterCount:N0} → {PrunedParameterCount:N0} ({Criterion})";
}
