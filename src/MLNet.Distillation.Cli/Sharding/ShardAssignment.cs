using System.Globalization;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Which shard a <c>distill score</c> worker scores: <c>--shard i/N</c>, or <c>--shard-count N</c> with the index from the
/// job engine's own variable, so one container command serves every task of the array:
/// <list type="bullet">
/// <item><c>JOB_COMPLETION_INDEX</c>: a Kubernetes Indexed Job (0 to completions − 1);</item>
/// <item><c>SLURM_ARRAY_TASK_ID</c>: a Slurm job array numbered from 0 (<c>--array=0-7</c>). The id is taken as it is, not
/// less <c>SLURM_ARRAY_TASK_MIN</c>: resubmitting one task (<c>sbatch --array=3</c>) must score shard 3, not shard 0;</item>
/// <item><c>AWS_BATCH_JOB_ARRAY_INDEX</c>: an AWS Batch array job (0 to size − 1);</item>
/// <item><c>AZ_BATCH_TASK_ID</c>: an Azure Batch task, whose id the submitter chooses: its trailing digits are the index (<c>task-3</c> → 3).</item>
/// </list>
/// </summary>
/// <param name="Index">The shard, from 0 to <paramref name="Count"/> − 1.</param>
/// <param name="Count">How many shards.</param>
/// <param name="Source">Where the index came from, for the console.</param>
internal sealed record ShardAssignment(int Index, int Count, string Source)
{
    /// <summary>The variables read for the index, in the order tried.</summary>
    public static readonly string[] EngineVariables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "AWS_BATCH_JOB_ARRAY_INDEX",
        "AZ_BATCH_TASK_ID"];

    /// <summary>
    /// The assignment from <c>--shard</c> or <c>--shard-count</c> and <paramref name="environment"/>; bad input names
    /// the option or variable.
    /// </summary>
    /// <param name="shard"><c>--shard</c>: <c>i/N</c>, or null.</param>
    /// <param name="count"><c>--shard-count</c>, or null.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    public static ShardAssignment Resolve(string? shard, int? count, Func<string, string?> environment)
    {
        if (shard is not null)
        {
            if (count is not null)
                throw CliException.BadInput($"--shard {shard} and --shard-count {count}: give one (--shard i/N names both the index and the count).");
            var parts = shard.Split('/');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw CliException.BadInput($"--shard {shard}: must be INDEX/COUNT, e.g. 0/8 for the first of 8 shards.");
            if (i >= n)
                throw CliException.BadInput($"--shard {shard}: the index counts from 0, so it must be below the count ({n}).");
            return new ShardAssignment(i, n, "--shard");
        }
        if (count is null)
            throw CliException.BadInput("give --shard i/N, or --shard-count N with the index in one of " + string.Join(", ", EngineVariables) + ".");
        if (count < 1)
            throw CliException.BadInput($"--shard-count {count}: must be at least 1.");
        foreach (var variable in EngineVariables)
        {
            if (environment(variable) is not { Length: > 0 } value)
                continue;
            int index = IndexFrom(variable, value);
            if (index < 0 || index >= count)
                throw CliException.BadInput($"{variable}={value}: shard {index} is outside 0 to {count - 1} (--shard-count {count}); " +
                    $"the array must have exactly {count} tasks{(variable == "SLURM_ARRAY_TASK_ID" ? ", numbered from 0 (--array=0-" + (count - 1) + ")" : "")}.");
            return new ShardAssignment(index, count.Value, variable);
        }
        throw CliException.BadInput($"--shard-count {count}: none of {string.Join(", ", EngineVariables)} is set, so this worker does not know its shard; give --shard i/{count}.");
    }

    private static int IndexFrom(string variable, string value)
    {
        string digits = variable == "AZ_BATCH_TASK_ID" ? new string(value.Reverse().TakeWhile(char.IsAsciiDigit).Reverse().ToArray()) : value;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            throw CliException.BadInput($"{variable}={value}: not a shard index" +
                (variable == "AZ_BATCH_TASK_ID" ? " (name the Azure Batch tasks with the index as their last digits, e.g. score-3)." : "."));
        return index;
    }

    /// <summary>How the console says it: "shard 3 of 8 (from JOB_COMPLETION_INDEX)".</summary>
    public string Describe() => $"shard {Index} of {Count} (numbered from 0; from {Source})";
}
