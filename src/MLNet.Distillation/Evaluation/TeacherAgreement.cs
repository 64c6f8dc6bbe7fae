namespace MLNet.Distillation;

/// <summary>How closely the student follows its teacher on the evaluation rows (labels not needed).</summary>
/// <param name="Fidelity">Classifiers: share of rows on which both predict the same class (null for regression).</param>
/// <param name="KLDivergence">Classifiers: mean over rows of KL(teacher ‖ student) between their class probabilities at
/// temperature 1, in nats (binary: over the two classes); null for regression.</param>
/// <param name="RmseToTeacher">Regression: root mean squared difference between the two scores, in the label's units (null for classifiers).</param>
public sealed record TeacherAgreement(double? Fidelity, double? KLDivergence, double? RmseToTeacher);
