namespace MLNet.Distillation.Losses;

/// <summary>
/// A loss term that compares representations rather than predictions, so a recipe entry may point it at a student layer
/// (<see cref="LossTerm.StudentLayer"/>) and a teacher column (<see cref="LossTerm.TeacherColumn"/>, e.g. an intermediate
/// output of <c>TeacherScore</c>). The training loop then hands it a batch whose <see cref="DistillationBatch.StudentLogits"/>
/// is that layer's output, flattened to [B, width] (through a learned projector when the term needs equal widths and the
/// two differ) and whose <see cref="DistillationBatch.TeacherLogits"/> is that column's rows.
/// </summary>
public interface IFeatureDistillationLoss : IDistillationLoss
{
    /// <summary>
    /// Whether the student's and the teacher's vectors must have the same width (an element-wise comparison such as
    /// FitNets' hint). When they differ, the trainer learns a linear projector from the student layer to the teacher's
    /// width alongside the student (FitNets' regressor); it is used in training only and is not part of the exported student.
    /// Relation terms compare rows with rows and take any widths.
    /// </summary>
    bool NeedsEqualWidths { get; }
}
