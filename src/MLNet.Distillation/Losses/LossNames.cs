namespace MLNet.Distillation;

/// <summary>The names of the built-in loss terms, for writing recipes (<see cref="LossTerm"/>).</summary>
public static class LossNames
{
    /// <summary><c>ce</c>: cross-entropy with the hard labels (multiclass). Rows without a label are left out.</summary>
    public const string CrossEntropy = "ce";

    /// <summary>
    /// <c>kd</c>: Hinton's soft-target term, T² · batch-mean KL(softmax(teacher/T) ‖ softmax(student/T)) (multiclass).
    /// Setting: <c>temperature</c>.
    /// </summary>
    public const string KnowledgeDistillation = "kd";

    /// <summary>
    /// <c>dkd</c>: decoupled KD (Zhao et al. 2022), min((epoch + 1)/warmup, 1) · T² · (alpha · TCKD + beta · NCKD), averaged over
    /// labelled rows (multiclass); add it to <c>ce</c> in place of <c>kd</c>. Settings: <c>alpha</c> (1), <c>beta</c> (8),
    /// <c>temperature</c>, <c>warmup</c> (20 epochs).
    /// </summary>
    public const string DecoupledKnowledgeDistillation = "dkd";

    /// <summary>
    /// <c>hint</c>: FitNets' hint (Romero et al. 2015): mean squared error between a student layer (<see cref="LossTerm.StudentLayer"/>,
    /// through a learned projector when the widths differ) and a teacher's intermediate output (<see cref="LossTerm.TeacherColumn"/>) (every task).
    /// </summary>
    public const string Hint = "hint";

    /// <summary>
    /// <c>rkd-distance</c>: RKD distance (Park et al. 2019) on the logits or a chosen layer: normalised pairwise
    /// distances matched with smooth L1 (every task). Usual weight 25.
    /// </summary>
    public const string RelationDistance = "rkd-distance";

    /// <summary>
    /// <c>rkd-angle</c>: RKD angle (Park et al. 2019) on the logits or a chosen layer: triplet cosines matched with
    /// smooth L1 (every task). Usual weight 50.
    /// </summary>
    public const string RelationAngle = "rkd-angle";

    /// <summary>
    /// <c>sp</c>: similarity-preserving KD (Tung and Mori 2019) on the logits or a chosen layer: ‖G_t − G_s‖²_F / B² of
    /// row-normalised Gram matrices (every task). Usual weight about 3000.
    /// </summary>
    public const string SimilarityPreserving = "sp";

    /// <summary><c>logit-mse</c>: Ba &amp; Caruana's logit matching, ½‖z_s − z_t‖² summed over outputs, batch mean (multiclass and binary).</summary>
    public const string LogitMatching = "logit-mse";

    /// <summary><c>bce</c>: binary cross-entropy with the hard labels, BCE(y, σ(z_s)) (binary). Rows without a label are left out.</summary>
    public const string BinaryCrossEntropy = "bce";

    /// <summary>
    /// <c>soft-bce</c>: the binary soft-target term, T² · batch-mean BCE(σ(z_t/T), σ(z_s/T)) (binary). Setting:
    /// <c>temperature</c>.
    /// </summary>
    public const string SoftBinaryCrossEntropy = "soft-bce";

    /// <summary><c>mse</c>: squared error against the label, in standardised units (regression). Rows without a label are left out.</summary>
    public const string MeanSquaredError = "mse";

    /// <summary><c>huber</c>: Huber loss against the label, in standardised units (regression). Setting: <c>delta</c> (default 1).</summary>
    public const string Huber = "huber";

    /// <summary><c>teacher-mse</c>: squared error against the teacher's prediction, in standardised units (regression).</summary>
    public const string TeacherMeanSquaredError = "teacher-mse";

    /// <summary>
    /// <c>teacher-huber</c>: Huber loss against the teacher's prediction, in standardised units (regression). Setting:
    /// <c>delta</c> (default 1).
    /// </summary>
    public const string TeacherHuber = "teacher-huber";
}
