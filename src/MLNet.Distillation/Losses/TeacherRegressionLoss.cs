using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// The soft-target regression term: the batch mean of the squared (<c>teacher-mse</c>) or Huber (<c>teacher-huber</c>,
/// setting <c>delta</c>) difference between the student's and the teacher's predictions, in the label's standardised units.
/// </summary>
internal sealed class TeacherRegressionLoss(string name, RegressionPenalty penalty) : IDistillationLoss
{
    public string Name => name;

    public bool NeedsLabels => false;

    public bool NeedsTeacher => true;

    public RegressionPenalty Penalty => penalty;

    public Tensor Compute(DistillationBatch batch)
    {
        using var scope = NewDisposeScope();
        var teacher = batch.RequireTeacher(Name).detach().reshape(-1);
        var prediction = batch.StudentLogits.reshape(-1);
        return penalty.PerElement(prediction, teacher.to_type(prediction.dtype)).mean().MoveToOuterDisposeScope();
    }
}
