using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Decoupled knowledge distillation (DKD, Zhao et al. 2022), registry name <c>dkd</c>: Hinton's soft-target term split
/// into its target-class part (TCKD: KL between the teacher's and the student's binary distributions
/// [p_target, 1 − p_target] at temperature T) and its non-target part (NCKD: KL between their softmaxes over the other
/// classes), weighted apart so the non-target "dark knowledge" can count more:
/// <c>min((epoch + 1) / warmup, 1) · T² · (α · TCKD + β · NCKD)</c>, each KL summed over classes and averaged over the
/// labelled rows, as mdistiller's reference code computes it (the tests pin it to that code run by PyTorch).
/// <para>
/// Settings: <c>alpha</c> (TCKD weight, default 1), <c>beta</c> (NCKD weight, default 8), <c>temperature</c> (default the
/// trainer's), <c>warmup</c> (epochs over which the term ramps up linearly, default 20; 0 for none). DKD replaces the
/// <c>kd</c> term and is added to the hard-label term: a recipe such as <c>[new("ce", 1), new("dkd", 1)]</c>. The
/// published defaults (α = 1, β = 8, T = 4, 20 warm-up epochs) come from 240-epoch CIFAR-100 runs; with a short Fit the
/// warm-up takes most of it. It needs each row's label (the target class); rows without one are left out of it.
/// </para>
/// </summary>
internal sealed class DecoupledKDLoss : IDistillationLoss
{
    private readonly string _teacherKey;

    public DecoupledKDLoss(double alpha, double beta, float temperature, double warmupEpochs)
    {
        if (!(alpha >= 0) || double.IsInfinity(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha (the TCKD weight) must be finite and not negative, not {alpha}.");
        if (!(beta >= 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), $"beta (the NCKD weight) must be finite and not negative, not {beta}.");
        if (!Defaults.IsValidTemperature(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"The temperature must be in {Defaults.TemperatureRange}, not {temperature}.");
        if (!(warmupEpochs >= 0) || warmupEpochs != Math.Floor(warmupEpochs) || warmupEpochs > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), $"warmup must be a whole number of epochs, 0 or more, not {warmupEpochs}.");
        (Alpha, Beta, Temperature, WarmupEpochs) = (alpha, beta, temperature, (int)warmupEpochs);
        _teacherKey = string.Create(CultureInfo.InvariantCulture, $"dkd/teacher/T={temperature:R}");
    }

    public double Alpha { get; }

    public double Beta { get; }

    public float Temperature { get; }

    public int WarmupEpochs { get; }

    public string Name => LossNames.DecoupledKnowledgeDistillation;

    public bool NeedsLabels => true;

    public bool NeedsTeacher => true;

    public Tensor Compute(DistillationBatch batch)
    {
        batch.RequireLabels(Name);
        batch.RequireTeacher(Name);
        using var scope = NewDisposeScope();
        double T = Temperature;
        int classes = (int)batch.StudentLogits.shape[1];
        // Per row, once per Fit: the target class as a one-hot mask (an unlabelled row's −1 stands in as class 0 and is
        // masked out below), the labelled-row mask, and the teacher's two distributions: [q_target, 1 − q_target] and the
        // softmax over the non-target classes (the target logit pushed down by 1000, as the reference code does).
        var target = batch.PerRow("labels/one-hot", (labels, _) => nn.functional.one_hot(labels!.clamp_min(HeldScalars.Zero), classes)
            .to_type(ScalarType.Float32));
        var labelled = batch.PerRow("labels/labelled-mask/class-index", (labels, _) => labels!.ge(HeldScalars.Zero).to_type(ScalarType.Float32));
        var teacherParts = batch.PerRow(_teacherKey, (labels, teacher) =>
        {
            var oneHot = nn.functional.one_hot(labels!.clamp_min(HeldScalars.Zero), classes).to_type(teacher!.dtype);
            var q = nn.functional.softmax(teacher.detach().DividedBy(T), 1);
            var qTarget = (q * oneHot).sum(1, keepdim: true);
            var qOther = (q * HeldScalars.Subtracted(1, oneHot)).sum(1, keepdim: true);
            var qNonTarget = nn.functional.softmax(teacher.detach().DividedBy(T) - oneHot.Times(1000.0), 1);
            return cat([qTarget, qOther, qNonTarget], 1);
        });
        var dtype = batch.StudentLogits.dtype;
        var oneHotTarget = target.to_type(dtype);
        var teacherBinary = teacherParts.narrow(1, 0, 2).to_type(dtype);
        var teacherNonTarget = teacherParts.narrow(1, 2, classes).to_type(dtype);

        // The student's binary distribution in log space without taking the log of a sum that may underflow:
        // log p_target from log_softmax, log(1 − p_target) as the log-sum-exp of the other classes' log-probabilities.
        var logP = nn.functional.log_softmax(batch.StudentLogits.DividedBy(T), 1);
        var logTarget = (logP * oneHotTarget).sum(1, keepdim: true);
        using var minusInfinity = double.NegativeInfinity.ToScalar(); // held (HeldScalars)
        var logOther = logP.masked_fill(oneHotTarget.to_type(ScalarType.Bool), minusInfinity).logsumexp(1, keepdim: true);
        var tckd = nn.functional.kl_div(cat([logTarget, logOther], 1), teacherBinary, reduction: nn.Reduction.None, log_target: false).sum(1);
        var logNonTarget = nn.functional.log_softmax(batch.StudentLogits.DividedBy(T) - oneHotTarget.Times(1000.0), 1);
        // (TorchSharp's kl_div reads its target as log-probabilities unless told otherwise, unlike PyTorch's.)
        var nckd = nn.functional.kl_div(logNonTarget, teacherNonTarget, reduction: nn.Reduction.None, log_target: false).sum(1);

        double ramp = WarmupEpochs == 0 ? 1 : Math.Min((batch.Epoch + 1.0) / WarmupEpochs, 1.0);
        var perRow = tckd.Times(Alpha).Plus(nckd.Times(Beta));
        // An unlabelled row's terms are finite (its stand-in class is real), so multiplying by 0 leaves no gradient.
        var total = (perRow * labelled.to_type(dtype)).sum().Times(ramp * T * T / Math.Max(batch.LabelledRows, 1));
        return total.MoveToOuterDisposeScope();
    }
}
