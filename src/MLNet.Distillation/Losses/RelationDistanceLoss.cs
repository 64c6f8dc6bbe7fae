using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// RKD distance (Park et al. 2019), registry name <c>rkd-distance</c>: the student's pairwise Euclidean distances
/// between the batch's rows, each divided by their mean over distinct pairs, matched to the teacher's with smooth L1
/// (Huber, β = 1), averaged over all B² pairs — the official code's definition (the tests pin it to that code run by
/// PyTorch). The layer is the logits, or the student layer and teacher column the recipe entry names; the teacher side
/// carries no gradient. A batch of one row has no pair and adds 0.
/// Usual weight 25.
/// </summary>
internal sealed class RelationDistanceLoss : IFeatureDistillationLoss
{
    public string Name => LossNames.RelationDistance;

    public bool NeedsLabels => false;

    public bool NeedsTeacher => true;

    public bool NeedsEqualWidths => false;

    public Tensor Compute(DistillationBatch batch)
    {
        var teacher = batch.RequireTeacher(Name);
        var student = batch.StudentLogits;
        if (student.shape[0] < 2)
            return student.sum().Times(0);
        using var scope = NewDisposeScope();
        Tensor t;
        using (no_grad())
            t = Normalised(PairwiseDistances(teacher.detach().to_type(student.dtype)));
        var s = Normalised(PairwiseDistances(student));
        return nn.functional.smooth_l1_loss(s, t, reduction: nn.Reduction.Mean).MoveToOuterDisposeScope();
    }

    /// <summary>Distances between rows, from the squared norms and the Gram matrix, clamped at 1e-12 before the root, 0 on the diagonal.</summary>
    internal static Tensor PairwiseDistances(Tensor e)
    {
        var squared = e.Squared().sum(1);
        using var floor = 1e-12.ToScalar(); // held (HeldScalars)
        var distances = (squared.unsqueeze(1).Plus(squared.unsqueeze(0)) - e.mm(e.t()).Times(2)).clamp_min(floor).sqrt();
        return distances * HeldScalars.Subtracted(1, eye(e.shape[0], dtype: e.dtype, device: e.device));
    }

    /// <summary>Distances divided by their mean over the pairs with a positive distance.</summary>
    private static Tensor Normalised(Tensor distances)
        => distances / (distances.sum() / distances.gt(HeldScalars.Zero).sum().to_type(distances.dtype));
}
