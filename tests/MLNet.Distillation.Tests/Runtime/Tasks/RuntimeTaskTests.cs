using MLNet.Distillation.Runtime;

namespace MLNet.Distillation.Tests.Runtime.Tasks;

/// <summary>
/// The runtime's task registry: one runtime task per task the library trains, and each task's exported outputs (as the
/// exporter names them) read back as that task, although a binary export writes <c>PredictedLabel</c> as multiclass does.
/// </summary>
public sealed class RuntimeTaskTests
{
    [Theory]
    [InlineData(DistillationTask.BinaryClassification, new[] { "Score", "Probability", "PredictedLabel" })]
    [InlineData(DistillationTask.MulticlassClassification, new[] { "Score", "PredictedLabel" })]
    [InlineData(DistillationTask.Regression, new[] { "Score" })]
    public void A_students_outputs_tell_its_task(DistillationTask task, string[] outputs)
        => Assert.Equal(task, RuntimeTask.Writing(outputs.ToHashSet()).Kind);

    [Fact]
    public void Every_task_has_one_runtime_task()
        => Assert.Equal(Enum.GetValues<DistillationTask>().Order(), RuntimeTask.All.Select(t => t.Kind).Order());
}
