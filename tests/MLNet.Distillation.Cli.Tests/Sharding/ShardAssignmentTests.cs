namespace MLNet.Distillation.Cli.Tests.Sharding;

/// <summary>Which shard a worker takes: from --shard, or from the job engine's own variable with --shard-count.</summary>
public sealed class ShardAssignmentTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
        => name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("JOB_COMPLETION_INDEX", "3", 3)]
    [InlineData("AWS_BATCH_JOB_ARRAY_INDEX", "0", 0)]
    [InlineData("SLURM_ARRAY_TASK_ID", "7", 7)]
    [InlineData("AZ_BATCH_TASK_ID", "score-5", 5)]
    [InlineData("AZ_BATCH_TASK_ID", "6", 6)]
    public void The_index_comes_from_the_engines_variable(string variable, string value, int expected)
    {
        var assignment = ShardAssignment.Resolve(null, 8, Environment((variable, value)));
        Assert.Equal((expected, 8, variable), (assignment.Index, assignment.Count, assignment.Source));
    }

    [Fact]
    public void A_resubmitted_slurm_task_scores_its_own_shard_whatever_the_arrays_minimum()
        => Assert.Equal(3, ShardAssignment.Resolve(null, 8, Environment(("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_MIN", "3"))).Index);

    [Fact]
    public void A_slurm_array_numbered_from_one_is_refused_at_its_last_task()
        => Assert.Contains("numbered from 0 (--array=0-3)", Assert.Throws<CliException>(() => ShardAssignment.Resolve(null, 4, Environment(("SLURM_ARRAY_TASK_ID", "4")))).Message);

    [Fact]
    public void The_explicit_shard_wins_and_names_both_numbers()
    {
        var assignment = ShardAssignment.Resolve("2/5", null, Environment(("JOB_COMPLETION_INDEX", "4")));
        Assert.Equal((2, 5, "--shard"), (assignment.Index, assignment.Count, assignment.Source));
    }

    [Theory]
    [InlineData("3/3", null, "", "the index counts from 0")]
    [InlineData("a/3", null, "", "must be INDEX/COUNT")]
    [InlineData("1/0", null, "", "must be INDEX/COUNT")]
    [InlineData("1/4", 4, "", "give one")]
    [InlineData(null, null, "", "give --shard i/N")]
    [InlineData(null, 0, "", "--shard-count 0: must be at least 1")]
    [InlineData(null, 4, "", "none of JOB_COMPLETION_INDEX")]
    [InlineData(null, 4, "JOB_COMPLETION_INDEX=4", "outside 0 to 3")]
    [InlineData(null, 4, "AWS_BATCH_JOB_ARRAY_INDEX=x", "AWS_BATCH_JOB_ARRAY_INDEX=x: not a shard index")]
    [InlineData(null, 4, "AZ_BATCH_TASK_ID=score", "last digits")]
    public void A_worker_that_cannot_tell_its_shard_is_refused(string? shard, int? count, string variable, string expected)
    {
        var parts = variable.Split('=');
        var environment = variable.Length == 0 ? Environment() : Environment((parts[0], parts[1]));
        var error = Assert.Throws<CliException>(() => ShardAssignment.Resolve(shard, count, environment));
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Contains(expected, error.Message);
    }
}
