using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// The binary soft-target term, <c>T² · (1/B) Σ_b BCE(σ(z_t/T), σ(z_s/T))</c>: cross-entropy of the student's softened
/// probability against the teacher's softened probability, averaged over the batch. Registry name <c>soft-bce</c>.
/// Its gradient with respect to z_s is <c>T · (σ(z_s/T) − σ(z_t/T)) / B</c>; the T² factor keeps it on the scale of the
/// hard-label term, as in Hinton's multiclass loss. (It exceeds KL(teacher ‖ student) by the teacher's entropy, a constant
/// for the student, so the two have the same gradients.) A two-class softmax over [0, z] is this sigmoid on z. The
/// teacher's softened probabilities are computed once per Fit.
/// </summary>
internal sealed class SoftTargetBinaryCrossEntropyLoss : IDistillationLoss
{
    private readonly string _teacherKey;

    public SoftTargetBinaryCrossEntropyLoss(float temperature)
    {
        _teacherKey = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"teacher/sigmoid/T={temperature:R}");
        if (!Defaults.IsValidTemperature(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"The temperature must be in {Defaults.TemperatureRange}, not {temperature}.");
        Temperature = temperature;
    }

    public float Temperature { get; }

    public string Name => LossNames.SoftBinaryCrossEntropy;

    public bool NeedsLabels => false;

    public bool NeedsTeacher => true;

    public Tensor Compute(DistillationBatch batch)
    {
        using var scope = NewDisposeScope();
        batch.RequireTeacher(Name);
        var student = batch.StudentLogits.reshape(-1);
        // The teacher's softened probabilities, computed once per Fit.
        var softTargets = batch.PerRow(_teacherKey, (_, teacher) => teacher!.detach().reshape(-1).DividedBy(Temperature).sigmoid())
            .to_type(student.dtype);
        var loss = nn.functional.binary_cross_entropy_with_logits(student.DividedBy(Temperature), softTargets);
        return loss.Times(Temperature * Temperature).MoveToOuterDisposeScope();
    }
}
