namespace MLNet.Distillation.Cli.Tests.Tasks;

/// <summary>The command line's task registry: one task per task the library trains, found by kind and by <c>--task</c> name.</summary>
public sealed class CliTaskTests
{
    [Fact]
    public void Every_task_has_one_command_line_task_found_by_kind_and_by_name()
    {
        Assert.Equal(Enum.GetValues<DistillationTask>().Order(), CliTask.All.Select(t => t.Kind).Order());
        foreach (var task in CliTask.All)
        {
            Assert.Same(task, CliTask.Of(task.Kind));
            Assert.Same(task, CliTask.Parse(task.Name.ToUpperInvariant()));
        }
    }

    [Fact]
    public void An_unknown_task_name_is_refused_naming_the_flag_and_every_task()
    {
        var error = Assert.Throws<CliException>(() => CliTask.Parse("ranking"));
        Assert.Equal("--task ranking: must be binary, multiclass or regression.", error.Message);
    }
}
