using System.Globalization;
using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Hinton's soft-target term, <c>T² · (1/B) Σ_b KL(softmax(z_t/T) ‖ softmax(z_s/T))</c>. Registry name <c>kd</c>.
/// The KL is summed over classes and averaged over the batch (PyTorch's <c>reduction='batchmean'</c>, not <c>'mean'</c>,
/// which would also divide by the class count); the T² factor keeps its gradients on the scale of the hard-label term.
/// The teacher's log-probabilities at T are computed once per Fit, and the KL is libtorch's fused <c>kl_div</c> with
/// log-probability targets (exact where a teacher probability underflows to 0).
/// </summary>
internal sealed class SoftTargetKLDivergenceLoss : IDistillationLoss
{
    private readonly string _teacherKey;

    public SoftTargetKLDivergenceLoss(float temperature)
    {
        if (!Defaults.IsValidTemperature(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"The temperature must be in {Defaults.TemperatureRange}, not {temperature}.");
        Temperature = temperature;
        _teacherKey = string.Create(CultureInfo.InvariantCulture, $"teacher/log-softmax/T={temperature:R}");
    }

    public float Temperature { get; }

    public string Name => LossNames.KnowledgeDistillation;

    public bool NeedsLabels => false;

    public bool NeedsTeacher => true;

    public Tensor Compute(DistillationBatch batch)
    {
        batch.RequireTeacher(Name);
        using var scope = NewDisposeScope();
        var teacherLog = batch.PerRow(_teacherKey, (_, teacher) => nn.functional.log_softmax(teacher!.detach().DividedBy(Temperature), 1));
        var studentLog = nn.functional.log_softmax(batch.StudentLogits.DividedBy(Temperature), 1);
        var kl = nn.functional.kl_div(studentLog, teacherLog.to_type(studentLog.dtype), reduction: nn.Reduction.Sum, log_target: true);
        return kl.Times((double)Temperature * Temperature / batch.StudentLogits.shape[0]).MoveToOuterDisposeScope();
    }
}
