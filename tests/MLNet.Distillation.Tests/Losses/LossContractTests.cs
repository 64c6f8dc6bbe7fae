using MLNet.Distillation.Losses;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>
/// What every registered term declares matches what its <see cref="IDistillationLoss.Compute"/> reads: the trainer drops
/// unlabelled rows, requires the teacher column and learns a projector from these flags alone, so a wrong flag would
/// train on the wrong rows or fail deep in a Fit. Found missing by mutation testing (Stryker flipped each flag unnoticed).
/// </summary>
public sealed class LossContractTests
{
    public static IEnumerable<object[]> Terms => from task in new[] { DistillationTask.MulticlassClassification, DistillationTask.BinaryClassification, DistillationTask.Regression }
                                                 from name in LossRegistry.NamesFor(task)
                                                 select new object[] { task, name };

    [Theory]
    [MemberData(nameof(Terms))]
    public void A_term_reads_the_labels_and_the_teacher_exactly_when_it_declares_it_does(DistillationTask task, string name)
    {
        using var scope = NewDisposeScope();
        var loss = LossRegistry.Create(new LossTerm(name, 1), task, 4);
        int width = task == DistillationTask.MulticlassClassification ? 3 : 1;
        var student = Student(width);
        var labels = task == DistillationTask.MulticlassClassification ? tensor(new long[] { 0, 1, 2, 1 }) : tensor(new float[] { 0, 1, 1, 0 });
        var teacher = tensor(new float[] { 0.5f, -1, 2, 0, 1, -0.5f, 1.5f, 0.3f, -2, 0.7f, 0.1f, 1 }.Take(4 * width).ToArray(), [4, width]);

        Assert.True(double.IsFinite(loss.Compute(new DistillationBatch(student, labels, teacher, 0)).item<float>()), name);
        AssertReads(loss.NeedsTeacher, () => loss.Compute(new DistillationBatch(student, labels, null, 0)), name, "teacher");
        AssertReads(loss.NeedsLabels, () => loss.Compute(new DistillationBatch(student, null, teacher, 0)), name, "labels");
    }

    [Theory]
    [MemberData(nameof(Terms))]
    public void A_feature_term_takes_unequal_widths_exactly_when_it_declares_it_does(DistillationTask task, string name)
    {
        using var scope = NewDisposeScope();
        if (LossRegistry.Create(new LossTerm(name, 1), task, 4) is not IFeatureDistillationLoss loss)
            return;
        var wider = tensor(Enumerable.Range(0, 20).Select(i => MathF.Sin(i)).ToArray(), [4, 5]);
        Exception? error = Record.Exception(() => loss.Compute(new DistillationBatch(Student(3), null, wider, 0)).item<float>());
        if (loss.NeedsEqualWidths)
            Assert.NotNull(error);
        else
            Assert.True(error is null, $"{name} declares any widths but failed on 3 against 5: {error?.Message}");
    }

    [Theory]
    [InlineData(-0.5, 8)]
    [InlineData(double.PositiveInfinity, 8)]
    [InlineData(double.NaN, 8)]
    [InlineData(1, -1)]
    [InlineData(1, double.PositiveInfinity)]
    [InlineData(1, double.NaN)]
    public void Decoupled_KD_refuses_a_negative_or_non_finite_weight_naming_it(double alpha, double beta)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DecoupledKDLoss(alpha, beta, 4, 0));
        Assert.Equal(alpha is >= 0 and < double.PositiveInfinity ? "beta" : "alpha", error.ParamName);
    }

    private static Tensor Student(int width)
        => tensor(new float[] { 0.2f, 0.1f, -0.3f, 1, 0.4f, -1, 0.6f, 0.2f, 0.9f, -0.4f, 0.3f, 0.5f }.Take(4 * width).ToArray(), [4, width]).requires_grad_(true);

    private static void AssertReads(bool declared, Func<Tensor> compute, string name, string what)
    {
        if (declared)
        {
            var error = Assert.Throws<InvalidOperationException>(() => compute());
            Assert.Contains($"'{name}'", error.Message);
        }
        else
            Assert.True(double.IsFinite(compute().item<float>()), $"{name} declares it does not read the {what} but failed without them");
    }
}
