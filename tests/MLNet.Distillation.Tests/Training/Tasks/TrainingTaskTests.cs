using MLNet.Distillation.Losses;

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

    [Fact]
    public void The_registry_lists_every_task_once_in_enum_order()
        => Assert.Equal(Enum.GetValues<DistillationTask>(), TrainingTask.All.Select(t => t.Kind));

    [Fact]
    public void Every_built_in_loss_a_task_names_is_registered_for_it_and_each_applies_to_some_task()
    {
        foreach (var task in TrainingTask.All)
            Assert.All(task.BuiltInLosses, name => Assert.Contains(name, LossRegistry.NamesFor(task.Kind)));
        var builtIn = typeof(LossNames).GetFields().Select(f => (string)f.GetValue(null)!);
        Assert.All(builtIn, name => Assert.Contains(TrainingTask.All, t => t.BuiltInLosses.Contains(name)));
        // The registry lists a term's tasks in the registry's order, as its message always has.
        Assert.Contains("is for multiclass classification and binary classification, not regression",
            Assert.Throws<ArgumentException>(() => LossRegistry.Create(new LossTerm(LossNames.LogitMatching, 1), DistillationTask.Regression, 4))
                .Message);
    }
}
