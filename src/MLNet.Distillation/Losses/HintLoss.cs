using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// FitNets' hint (Romero et al. 2015), registry name <c>hint</c>: the mean squared error between a student layer's
/// output (through the learned projector when the widths differ) and a teacher's intermediate output, averaged over the
/// batch's rows and the vector's values — PyTorch's <c>mse_loss</c> with mean reduction. The teacher side carries no
/// gradient. Point it at a layer with <see cref="LossTerm.StudentLayer"/> and <see cref="LossTerm.TeacherColumn"/>;
/// without them it compares the outputs with the teacher column. Rows without a label learn from it too.
/// </summary>
internal sealed class HintLoss : IFeatureDistillationLoss
{
    public string Name => LossNames.Hint;

    public bool NeedsLabels => false;

    public bool NeedsTeacher => true;

    public bool NeedsEqualWidths => true;

    public Tensor Compute(DistillationBatch batch)
    {
        var teacher = batch.RequireTeacher(Name).detach().to_type(batch.StudentLogits.dtype);
        var student = batch.StudentLogits;
        if (!student.shape.SequenceEqual(teacher.shape))
            throw new InvalidOperationException($"Loss term '{Name}' compares values one by one, but the student side is [{string.Join(", ", student.shape)}] " +
                $"and the teacher side [{string.Join(", ", teacher.shape)}].");
        return nn.functional.mse_loss(student, teacher, nn.Reduction.Mean);
    }
}
