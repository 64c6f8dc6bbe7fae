namespace MLNet.Distillation.Tests.Training.Tasks;

/// <summary>
/// The task registry: every task the library trains maps to the one object that answers what differs between tasks (its
/// primary metric, ONNX head, scoring stages), and a value outside the enum is refused by name.
/// </summary>
public sealed class TrainingTaskTests
{
    [Theory]
    [InlineData(DistillationTask.BinaryClassification, "Accuracy", true)]
    [InlineData(DistillationTask.MulticlassClassification, "MicroAccuracy", true)]
    [InlineData(DistillationTask.Regression, "RootMeanSquaredError", false)]
    public void Each_task_maps_to_its_object_with_its_primary_metric(DistillationTask kind, string metric, bool higherIsBetter)
    {
        var task = TrainingTask.Of(kind);
        Assert.Equal(kind, task.Kind);
        Assert.Equal((metric, higherIsBetter), (task.PrimaryMetric, task.PrimaryMetricHigherIsBetter));
        Assert.Equal(metric, DistillationEvaluation.PrimaryMetricOf(kind));
    }

    [Fact]
    public void Every_enum_value_is_a_task_and_others_are_refused()
    {
        foreach (var kind in Enum.GetValues<DistillationTask>())
            Assert.Equal(kind, TrainingTask.Of(kind).Kind);
        var e = Assert.Throws<NotSupportedException>(() => TrainingTask.Of((DistillationTask)42));
        Assert.Contains("42", e.Message);
    }
}
