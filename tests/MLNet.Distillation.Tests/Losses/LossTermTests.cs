using MLNet.Distillation.Losses;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>Every loss term against PyTorch's own definitions (values and gradients), never against our own output.</summary>
public sealed class LossTermTests
{
    [Theory]
    [MemberData(nameof(KDReferenceCase.Indices), MemberType = typeof(KDReferenceCase))]
    public void Hinton_loss_and_gradient_match_pytorch(int index)
    {
        var c = KDReferenceCase.All[index];
        using var scope = NewDisposeScope();
        var student = tensor(c.Student, [c.Batch, c.Classes], ScalarType.Float64).requires_grad_(true);
        var batch = new DistillationBatch(student, tensor(c.Labels), tensor(c.Teacher, [c.Batch, c.Classes], ScalarType.Float64), epoch: 0);

        var ce = new CrossEntropyLoss().Compute(batch);
        var kd = new SoftTargetKLDivergenceLoss((float)c.Temperature).Compute(batch);
        var total = ce * c.Alpha + kd * (1 - c.Alpha);
        total.backward();

        Tolerance.Close([c.Ce], [ce.item<double>()], 1e-9, 1e-9, "CE");
        Tolerance.Close([c.Kd], [kd.item<double>()], 1e-9, 1e-9, $"KD at T={c.Temperature}");
        Tolerance.Close([c.Loss], [total.item<double>()], 1e-9, 1e-9, $"loss at T={c.Temperature}, alpha={c.Alpha}");
        Tolerance.Close(c.Grad, student.grad!.data<double>().ToArray(), 1e-9, 1e-7, $"gradient at T={c.Temperature}, alpha={c.Alpha}");
    }

    [Theory]
    [MemberData(nameof(KDReferenceCase.Indices), MemberType = typeof(KDReferenceCase))]
    public void Logit_matching_matches_reference(int index)
    {
        var c = KDReferenceCase.All[index];
        using var scope = NewDisposeScope();
        var batch = new DistillationBatch(tensor(c.Student, [c.Batch, c.Classes], ScalarType.Float64), null,
            tensor(c.Teacher, [c.Batch, c.Classes], ScalarType.Float64), 0);
        Tolerance.Close([c.LogitMse], [new LogitMatchingLoss().Compute(batch).item<double>()], 1e-9, 1e-9, "logit MSE");
    }

    [Fact]
    public void Cross_entropy_leaves_out_unlabelled_rows_like_ignore_index()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 2.0, 0.0, -1.0, 0.5, 0.5, 0.5, 0.0, 3.0, 1.0 }, [3, 3], ScalarType.Float64);
        var labels = tensor(new long[] { 0, -1, 1 });
        double ce = new CrossEntropyLoss().Compute(new DistillationBatch(logits, labels, null, 0)).item<double>();
        // Mean over the two labelled rows of −log softmax at the label (PyTorch: ignore_index=-1, reduction='mean').
        double Row(double[] z, int y) => -(z[y] - Math.Log(z.Sum(Math.Exp)));
        Assert.Equal((Row([2, 0, -1], 0) + Row([0, 3, 1], 1)) / 2, ce, 12);
        var none = new CrossEntropyLoss().Compute(new DistillationBatch(logits, tensor(new long[] { -1, -1, -1 }), null, 0)).item<double>();
        Assert.Equal(0, none);
    }

    [Fact]
    public void Kd_is_batchmean_not_mean_over_elements()
    {
        // The classic silent bug: reduction='mean' also divides by the class count. Check against a hand computation.
        using var scope = NewDisposeScope();
        var student = tensor(new[] { 1.0, 0.0, 0.0, 0.0 }, [1, 4], ScalarType.Float64);
        var teacher = tensor(new[] { 0.0, 0.0, 0.0, 0.0 }, [1, 4], ScalarType.Float64);
        double kd = new SoftTargetKLDivergenceLoss(1).Compute(new DistillationBatch(student, null, teacher, 0)).item<double>();
        // KL(uniform ‖ softmax([1,0,0,0])) = Σ 0.25·(log 0.25 − log q_c), q = (e, 1, 1, 1)/(e + 3)
        double z = Math.E + 3;
        double expected = 0.25 * (Math.Log(0.25) - Math.Log(Math.E / z)) + 3 * 0.25 * (Math.Log(0.25) - Math.Log(1 / z));
        Assert.Equal(expected, kd, 12);
    }

    [Fact]
    public void Kd_scales_with_temperature_squared_for_identical_softened_distributions()
    {
        // With logits scaled by T, softmax(z·T / T) is the same for every T, so the loss is T²·KL(T=1).
        using var scope = NewDisposeScope();
        var s = tensor(new[] { 0.3, -1.2, 2.0 }, [1, 3], ScalarType.Float64);
        var t = tensor(new[] { 1.0, 0.5, -0.5 }, [1, 3], ScalarType.Float64);
        double baseLoss = new SoftTargetKLDivergenceLoss(1).Compute(new DistillationBatch(s, null, t, 0)).item<double>();
        double scaled = new SoftTargetKLDivergenceLoss(3).Compute(new DistillationBatch(s * 3, null, t * 3, 0)).item<double>();
        Assert.Equal(9 * baseLoss, scaled, 10);
    }

    [Fact]
    public void Teacher_receives_no_gradient()
    {
        using var scope = NewDisposeScope();
        var s = tensor(new float[] { 0.3f, -1.2f, 2.0f }, [1, 3]).requires_grad_(true);
        var t = tensor(new float[] { 1.0f, 0.5f, -0.5f }, [1, 3]).requires_grad_(true);
        new SoftTargetKLDivergenceLoss(2).Compute(new DistillationBatch(s, null, t, 0)).backward();
        Assert.NotNull(s.grad);
        Assert.True(t.grad is null || t.grad.abs().sum().item<float>() == 0);
    }

    [Fact]
    public void Missing_inputs_are_named()
    {
        using var scope = NewDisposeScope();
        var batch = new DistillationBatch(zeros(2, 3), null, null, 0);
        Assert.Contains("teacher", Assert.Throws<InvalidOperationException>(() => new SoftTargetKLDivergenceLoss(2).Compute(batch)).Message);
        Assert.Contains("labels", Assert.Throws<InvalidOperationException>(() => new CrossEntropyLoss().Compute(batch)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftTargetKLDivergenceLoss(0));
    }
}
