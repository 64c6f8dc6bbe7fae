using MLNet.Distillation.Losses;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>The binary and regression terms against PyTorch's own definitions (values and gradients), never against our own output.</summary>
public sealed class BinaryRegressionLossTests
{
    [Theory]
    [MemberData(nameof(BinaryRegressionReference.BinaryIndices), MemberType = typeof(BinaryRegressionReference))]
    public void Binary_loss_and_gradient_match_pytorch(int index)
    {
        var c = BinaryRegressionReference.Binary[index];
        double temperature = c.Double("temperature"), alpha = c.Double("alpha");
        var s = c.Doubles("student");
        using var scope = NewDisposeScope();
        // The student writes [B, 1]: one logit per row.
        var student = tensor(s, [s.Length, 1], ScalarType.Float64).requires_grad_(true);
        var batch = new DistillationBatch(student, tensor(c.Doubles("labels").Select(v => (float)v).ToArray()),
            tensor(c.Doubles("teacher"), [s.Length, 1], ScalarType.Float64), epoch: 0);

        var bce = new BinaryCrossEntropyLoss().Compute(batch);
        var soft = new SoftTargetBinaryCrossEntropyLoss((float)temperature).Compute(batch);
        var total = bce * alpha + soft * (1 - alpha);
        total.backward();

        Tolerance.Close([c.Double("bce")], [bce.item<double>()], 1e-7, 1e-7, "BCE");
        Tolerance.Close([c.Double("soft_bce")], [soft.item<double>()], 1e-9, 1e-9, $"soft BCE at T={temperature}");
        Tolerance.Close([c.Double("loss")], [total.item<double>()], 1e-7, 1e-7, $"loss at T={temperature}, alpha={alpha}");
        Tolerance.Close(c.Doubles("grad"), student.grad!.data<double>().ToArray(), 1e-7, 1e-6, $"gradient at T={temperature}, alpha={alpha}");
        Tolerance.Close([c.Double("logit_mse")], [new LogitMatchingLoss().Compute(batch).item<double>()], 1e-9, 1e-9, "binary logit matching");
    }

    [Theory]
    [MemberData(nameof(BinaryRegressionReference.RegressionIndices), MemberType = typeof(BinaryRegressionReference))]
    public void Regression_loss_and_gradient_match_pytorch(int index)
    {
        var c = BinaryRegressionReference.Regression[index];
        double alpha = c.Double("alpha");
        bool huber = c.GetProperty("penalty").GetString() == "huber";
        var penalty = huber ? RegressionPenalty.Huber(c.Double("delta")) : RegressionPenalty.Squared;
        var s = c.Doubles("student");
        using var scope = NewDisposeScope();
        var student = tensor(s, [s.Length, 1], ScalarType.Float64).requires_grad_(true);
        var batch = new DistillationBatch(student, tensor(c.Doubles("labels").Select(v => (float)v).ToArray()),
            tensor(c.Doubles("teacher"), [s.Length, 1], ScalarType.Float64), epoch: 0);

        var hard = new LabelRegressionLoss("hard", penalty).Compute(batch);
        var soft = new TeacherRegressionLoss("soft", penalty).Compute(batch);
        var total = hard * alpha + soft * (1 - alpha);
        total.backward();

        string what = huber ? $"Huber δ={c.Double("delta")}" : "MSE";
        Tolerance.Close([c.Double("hard")], [hard.item<double>()], 1e-6, 1e-6, $"{what} against labels");
        Tolerance.Close([c.Double("soft")], [soft.item<double>()], 1e-9, 1e-9, $"{what} against the teacher");
        Tolerance.Close([c.Double("loss")], [total.item<double>()], 1e-6, 1e-6, $"{what} loss at alpha={alpha}");
        Tolerance.Close(c.Doubles("grad"), student.grad!.data<double>().ToArray(), 1e-6, 1e-6, $"{what} gradient at alpha={alpha}");
    }

    [Fact]
    public void Rows_without_label_never_reach_the_gradient()
    {
        // A NaN label multiplied by a zero mask would still make the gradient NaN; the terms replace it first.
        using var scope = NewDisposeScope();
        var student = tensor(new[] { 0.5, -1.0, 2.0 }, [3, 1], ScalarType.Float64).requires_grad_(true);
        var labels = tensor(new[] { 1f, float.NaN, 0f });
        var batch = new DistillationBatch(student, labels, null, 0);
        new BinaryCrossEntropyLoss().Compute(batch).backward();
        var grad = student.grad!.data<double>().ToArray();
        Assert.All(grad, g => Assert.False(double.IsNaN(g)));
        Assert.Equal(0, grad[1]);
        // d/dz mean_labelled BCE = (σ(z) − y) / 2 for the two labelled rows.
        Assert.Equal((1 / (1 + Math.Exp(-0.5)) - 1) / 2, grad[0], 12);

        student.grad!.zero_();
        new LabelRegressionLoss("mse", RegressionPenalty.Squared).Compute(batch).backward();
        Assert.Equal(0, student.grad!.data<double>().ToArray()[1]);
        var none = new BinaryCrossEntropyLoss().Compute(new DistillationBatch(student, tensor(new[] { float.NaN, float.NaN, float.NaN }), null, 0));
        Assert.Equal(0, none.item<double>());
    }

    [Fact]
    public void Soft_bce_gradient_is_t_times_the_probability_gap_over_the_batch()
    {
        // d/dz_s [T² · mean BCE(σ(z_t/T), σ(z_s/T))] = T · (σ(z_s/T) − σ(z_t/T)) / B, by hand.
        using var scope = NewDisposeScope();
        double[] zs = [1.5, -0.5], zt = [-2.0, 3.0];
        const double T = 3;
        var student = tensor(zs, [2, 1], ScalarType.Float64).requires_grad_(true);
        new SoftTargetBinaryCrossEntropyLoss((float)T).Compute(new DistillationBatch(student, null, tensor(zt, [2, 1], ScalarType.Float64), 0)).backward();
        static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
        var expected = zs.Select((z, i) => T * (Sigmoid(z / T) - Sigmoid(zt[i] / T)) / 2).ToArray();
        Tolerance.Close(expected, student.grad!.data<double>().ToArray(), 1e-12, 0, "soft BCE gradient");
    }

    [Fact]
    public void Registry_serves_each_term_for_its_task_with_its_settings()
    {
        Assert.Equal(["bce", "hint", "logit-mse", "rkd-angle", "rkd-distance", "soft-bce", "sp"], LossRegistry.NamesFor(DistillationTask.BinaryClassification).Where(n => !n.StartsWith("test-")));
        Assert.Equal(["hint", "huber", "mse", "rkd-angle", "rkd-distance", "sp", "teacher-huber", "teacher-mse"], LossRegistry.NamesFor(DistillationTask.Regression).Where(n => !n.StartsWith("test-")));
        var huber = (LabelRegressionLoss)LossRegistry.Create(new LossTerm("huber", 1, new Dictionary<string, double> { ["delta"] = 0.25 }), DistillationTask.Regression, 4);
        Assert.Equal(0.25, huber.Penalty.HuberDelta);
        Assert.Equal(1.0, ((TeacherRegressionLoss)LossRegistry.Create(new LossTerm("teacher-huber", 1), DistillationTask.Regression, 4)).Penalty.HuberDelta);
        Assert.Contains("delta", Assert.Throws<ArgumentException>(() => LossRegistry.Create(new LossTerm("huber", 1, new Dictionary<string, double> { ["delta"] = 0 }), DistillationTask.Regression, 4)).Message);
        Assert.Contains("'mse' has no setting 'delta'", Assert.Throws<ArgumentException>(() => LossRegistry.Create(new LossTerm("mse", 1, new Dictionary<string, double> { ["delta"] = 1 }), DistillationTask.Regression, 4)).Message);
        Assert.Equal(2f, ((SoftTargetBinaryCrossEntropyLoss)LossRegistry.Create(new LossTerm("soft-bce", 1, new Dictionary<string, double> { ["temperature"] = 2 }), DistillationTask.BinaryClassification, 4)).Temperature);
    }
}
