using MLNet.Distillation.Reporting.Tasks;

namespace MLNet.Distillation.Tests.Reporting.Tasks;

/// <summary>The report's task registry: one report task per task the library trains, found by its kind.</summary>
public sealed class ReportTaskTests
{
    [Fact]
    public void Every_task_has_one_report_task_and_Of_finds_it()
    {
        Assert.Equal(Enum.GetValues<DistillationTask>(), ReportTask.All.Select(t => t.Kind));
        foreach (var task in ReportTask.All)
            Assert.Same(task, ReportTask.Of(task.Kind));
        Assert.Throws<NotSupportedException>(() => ReportTask.Of((DistillationTask)99));
    }
}
