namespace MLNet.Distillation;

/// <summary>
/// Settings of <c>mlContext.Distillation.Prune</c>: how small the student becomes, how its units are ranked, and how long
/// it is fine-tuned. The prunable layers are the hidden ones, input side first: every convolution of a
/// <see cref="CnnStudent"/> (its channels), then every hidden dense layer (its units); the output layer is never pruned.
/// </summary>
public sealed class PruningOptions
{
    /// <summary>
    /// Share of each prunable layer's units to keep, in (0, 1]: each layer keeps <c>max(1, round(width × KeepFraction))</c>.
    /// Default 0.5. Ignored when <see cref="Widths"/> is set. 1 keeps every unit (the fine-tuning alone).
    /// </summary>
    public double KeepFraction { get; set; } = 0.5;

    /// <summary>
    /// Explicit widths after pruning, one per prunable layer in order (convolutions first, then hidden dense layers), each
    /// between 1 and the layer's current width; null (the default) uses <see cref="KeepFraction"/>.
    /// </summary>
    public int[]? Widths { get; set; }

    /// <summary>How units are ranked. Default <see cref="PruningCriterion.Activation"/>.</summary>
    public PruningCriterion Criterion { get; set; } = PruningCriterion.Activation;

    /// <summary>
    /// Epochs of fine-tuning after each pruning step, through the trainer with the given trainer options (its loss recipe,
    /// validation, early stopping and checkpoints). Null (the default) uses the trainer options' own
    /// <see cref="DistillationTrainerOptions.NumberOfEpochs"/>.
    /// </summary>
    public int? FineTuningEpochs { get; set; }

    /// <summary>
    /// Pruning steps: 1 (the default) prunes to the target at once and fine-tunes; n &gt; 1 shrinks every layer
    /// geometrically towards its target in n steps, re-ranking the units and fine-tuning after each.
    /// </summary>
    public int Steps { get; set; } = 1;

    /// <summary>
    /// Rows read (the first ones of the data) to measure the units' activations for <see cref="PruningCriterion.Activation"/>.
    /// Default 4,096.
    /// </summary>
    public int ImportanceRows { get; set; } = 4096;

    /// <summary>Checks every setting, naming the option at fault.</summary>
    internal void Validate()
    {
        static void Require(bool ok, string option, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(option, $"PruningOptions.{option} {rule}.");
        }
        Require(KeepFraction > 0 && KeepFraction <= 1, nameof(KeepFraction), $"must be in (0, 1], not {KeepFraction}");
        Require(Widths is null || Widths.Length > 0, nameof(Widths), "must hold one width per prunable layer, or be null to use KeepFraction");
        Require(Enum.IsDefined(Criterion), nameof(Criterion), $"must be one of {string.Join(", ", Enum.GetNames<PruningCriterion>())}, not {(int)Criterion}");
        Require(FineTuningEpochs is null or > 0, nameof(FineTuningEpochs), $"must be positive, or null for the trainer options' own, not {FineTuningEpochs}");
        Require(Steps > 0, nameof(Steps), $"must be positive, not {Steps}");
        Require(ImportanceRows > 0, nameof(ImportanceRows), $"must be positive, not {ImportanceRows}");
    }
}
