namespace MLNet.Distillation;

/// <summary>What a teacher model's output holds.</summary>
public enum TeacherOutputKind
{
    /// <summary>Unnormalised logits (pre-softmax scores; for one output per row, a binary logit or a regression value). Used as they are.</summary>
    Logits,

    /// <summary>
    /// Probabilities. Several per row (class probabilities) become log-probabilities, valid logits since softmax(log p) = p;
    /// one per row (the positive class's probability) becomes its logit log(p / (1 − p)), since σ of that is p.
    /// </summary>
    Probabilities,
}

/// <summary>How an ensemble of teachers combines its members.</summary>
public enum EnsembleCombination
{
    /// <summary>Weighted mean of the members' logits (for regression teachers, of their predictions).</summary>
    MeanLogits,

    /// <summary>
    /// Weighted mean of the members' probabilities (softmax of their logits; σ of a one-output member's logit), returned as
    /// logits. Only for classifiers: a regression ensemble averages predictions with <see cref="MeanLogits"/>.
    /// </summary>
    MeanProbabilities,
}
