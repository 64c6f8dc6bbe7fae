namespace MLNet.Distillation;

/// <summary>What a teacher model's output holds.</summary>
public enum TeacherOutputKind
{
    /// <summary>Unnormalised logits (pre-softmax scores). Used as they are.</summary>
    Logits,

    /// <summary>Class probabilities. Turned into log-probabilities, which are valid logits: softmax(log p) = p.</summary>
    Probabilities,
}

/// <summary>How an ensemble of teachers combines its members.</summary>
public enum EnsembleCombination
{
    /// <summary>Weighted mean of the members' logits.</summary>
    MeanLogits,

    /// <summary>Weighted mean of the members' probabilities (softmax of their logits), returned as log-probabilities.</summary>
    MeanProbabilities,
}
