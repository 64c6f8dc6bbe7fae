namespace MLNet.Distillation;

/// <summary>The names of the built-in loss terms, for writing recipes (<see cref="LossTerm"/>).</summary>
public static class LossNames
{
    /// <summary><c>ce</c>: cross-entropy with the hard labels (multiclass). Rows without a label are left out.</summary>
    public const string CrossEntropy = "ce";

    /// <summary><c>kd</c>: Hinton's soft-target term, T² · batch-mean KL(softmax(teacher/T) ‖ softmax(student/T)) (multiclass). Setting: <c>temperature</c>.</summary>
    public const string KnowledgeDistillation = "kd";

    /// <summary><c>logit-mse</c>: Ba &amp; Caruana's logit matching, ½‖z_s − z_t‖² summed over classes, batch mean (multiclass).</summary>
    public const string LogitMatching = "logit-mse";
}
