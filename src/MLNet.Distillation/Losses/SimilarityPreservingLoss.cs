using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Similarity-preserving KD (Tung and Mori 2019), registry name <c>sp</c>: the batch's Gram matrices F·Fᵀ of student and
/// teacher, each row L2-normalised, compared by ‖G_t − G_s‖²_F / B² — the authors' definition (pinned by the tests to it
/// run by PyTorch). The layer is the logits, or the student layer and teacher column the recipe entry names; the
/// teacher side carries no gradient. Usual weight about 3000.
/// </summary>
internal sealed class SimilarityPreservingLoss : IFeatureDistillationLoss
{
    public string Name => LossNames.SimilarityPreserving;

    public bool NeedsLabels => false;

    public bool NeedsTeacher => true;

    public bool NeedsEqualWidths => false;

    public Tensor Compute(DistillationBatch batch)
    {
        var teacher = batch.RequireTeacher(Name);
        var student = batch.StudentLogits;
        long rows = student.shape[0];
        using var scope = NewDisposeScope();
        Tensor gt;
        using (no_grad())
        {
            var t = teacher.detach().to_type(student.dtype).view(rows, -1);
            gt = nn.functional.normalize(t.mm(t.t()), p: 2, dim: 1);
        }
        var s = student.view(rows, -1);
        var gs = nn.functional.normalize(s.mm(s.t()), p: 2, dim: 1);
        var difference = gt - gs;
        return (difference * difference).sum().DividedBy((double)(rows * rows)).MoveToOuterDisposeScope();
    }
}
