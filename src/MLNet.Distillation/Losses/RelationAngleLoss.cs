using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// RKD angle (Park et al. 2019), registry name <c>rkd-angle</c>: for every triplet of the batch's rows (i, j, k), the
/// cosine of the angle at j between e_i − e_j and e_k − e_j, the student's matched to the teacher's with smooth L1
/// (Huber, β = 1), averaged over all B³ triplets — the official code's definition (the tests pin it to that code run by
/// PyTorch). The layer is the logits, or the student layer and teacher column the recipe entry names; the teacher side
/// carries no gradient. Memory grows as B² × width. Usual weight 50.
/// </summary>
internal sealed class RelationAngleLoss : IFeatureDistillationLoss
{
    public string Name => LossNames.RelationAngle;

    public bool NeedsLabels => false;

    public bool NeedsTeacher => true;

    public bool NeedsEqualWidths => false;

    public Tensor Compute(DistillationBatch batch)
    {
        var teacher = batch.RequireTeacher(Name);
        using var scope = NewDisposeScope();
        Tensor t;
        using (no_grad())
            t = Angles(teacher.detach().to_type(batch.StudentLogits.dtype));
        var s = Angles(batch.StudentLogits);
        return nn.functional.smooth_l1_loss(s, t, reduction: nn.Reduction.Mean).MoveToOuterDisposeScope();
    }

    private static Tensor Angles(Tensor e)
    {
        var differences = nn.functional.normalize(e.unsqueeze(0) - e.unsqueeze(1), p: 2, dim: 2);
        return bmm(differences, differences.transpose(1, 2)).view(-1);
    }
}
