using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Hinton's soft-target term, <c>T² · (1/B) Σ_b KL(softmax(z_t/T) ‖ softmax(z_s/T))</c>. Registry name <c>kd</c>.
/// The KL is summed over classes and averaged over the batch (PyTorch's <c>reduction='batchmean'</c>, not <c>'mean'</c>,
/// which would also divide by the class count); the T² factor keeps its gradients on the scale of the hard-label term.
/// </summary>
internal sealed class SoftTargetKLDivergenceLoss : IDistillationLoss
{
    /// <summary>Creates the term at the given temperature.</summary>
    /// <param name="temperature">Softening temperature T &gt; 0.</param>
    public SoftTargetKLDivergenceLoss(float temperature)
    {
        if (!(temperature > 0) || float.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"The temperature must be positive and finite, not {temperature}.");
        Temperature = temperature;
    }

    /// <summary>The softening temperature T.</summary>
    public float Temperature { get; }

    /// <inheritdoc />
    public string Name => LossNames.KnowledgeDistillation;

    /// <inheritdoc />
    public bool NeedsLabels => false;

    /// <inheritdoc />
    public bool NeedsTeacher => true;

    /// <inheritdoc />
    public Tensor Compute(DistillationBatch batch)
    {
        using var scope = NewDisposeScope();
        var teacher = batch.RequireTeacher(Name).detach();
        var studentLog = nn.functional.log_softmax(batch.StudentLogits / Temperature, 1);
        var teacherLog = nn.functional.log_softmax(teacher / Temperature, 1);
        // Σ_c p_t (log p_t − log p_s); computing p_t from its log keeps p_t·log p_t exact where p_t underflows to 0.
        var perRow = (teacherLog.exp() * (teacherLog - studentLog)).sum(1);
        return (perRow.mean() * (Temperature * Temperature)).MoveToOuterDisposeScope();
    }
}
