using MLNet.Distillation.Losses;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Losses;

public sealed class HintLossTests
{
    [Fact]
    public void Value_and_gradient_are_the_mean_squared_error_computed_by_hand()
    {
        // student [[1, 2], [3, 4]], teacher [[0, 2], [1, 1]]: differences 1, 0, 2, 3 → (1 + 0 + 4 + 9) / 4 = 3.5;
        // d/ds = 2 (s − t) / 4 = [[0.5, 0], [1, 1.5]] (PyTorch's mse_loss, reduction 'mean').
        using var student = tensor(new[] { 1.0, 2.0, 3.0, 4.0 }, [2, 2], ScalarType.Float64).requires_grad_();
        using var teacher = tensor(new[] { 0.0, 2.0, 1.0, 1.0 }, [2, 2], ScalarType.Float64).requires_grad_();
        var loss = new HintLoss().Compute(new DistillationBatch(student, null, teacher, 0));
        Assert.Equal(3.5, loss.item<double>(), 12);
        loss.backward();
        Assert.Equal(new[] { 0.5, 0.0, 1.0, 1.5 }, student.grad!.data<double>().ToArray());
        Assert.True(teacher.grad is null || teacher.grad.abs().sum().item<double>() == 0, "no gradient may reach the teacher");
    }

    [Fact]
    public void Vectors_of_different_widths_are_refused_naming_both_shapes()
    {
        using var student = zeros(2, 3);
        using var teacher = zeros(2, 4);
        var error = Assert.Throws<InvalidOperationException>(() => new HintLoss().Compute(new DistillationBatch(student, null, teacher, 0)));
        Assert.Contains("[2, 3]", error.Message);
        Assert.Contains("[2, 4]", error.Message);
    }
}
