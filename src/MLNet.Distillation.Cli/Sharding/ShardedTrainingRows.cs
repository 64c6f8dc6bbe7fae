using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// <c>distill train --shards DIR</c>: the training file's rows as the <c>distill score</c> workers wrote them, with the
/// teacher's outputs, instead of the file scored here. The folder must be one complete job (the library refuses a
/// missing, repeated or foreign shard by name), scored by <c>--teacher</c> from this very <c>--data</c> (its SHA-256), and
/// hold the columns train loads, typed as train types them (the workers were given the same label, task and positive class).
/// </summary>
internal static class ShardedTrainingRows
{
    /// <summary>The flag.</summary>
    public const string Flag = "--shards";

    /// <summary>Refuses a teacher that workers cannot have scored with (<see cref="ScoreCommand.Teacher"/>).</summary>
    public static void CheckTeacher(TeacherSource teacher)
    {
        if (teacher.Kind != TeacherKind.MLNetModel)
            throw CliException.BadInput($"{Flag}: the shards hold the outputs of the ML.NET model .zip the workers scored with; give that file as --teacher " +
                $"(the {teacher.Describe()} cannot have scored them).");
    }

    /// <summary>The rows of <paramref name="plan"/>'s file from the shards in <paramref name="directory"/>, checked.</summary>
    public static IDataView Load(MLContext ml, Featurization plan, string dataPath, string directory, Teacher teacher)
    {
        IDataView shards;
        try
        {
            shards = ml.Distillation.LoadScoredShards(directory, teacher, ScoreCommand.SourceId(dataPath));
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or FileNotFoundException)
        {
            if (e.Message.Contains("from other data", StringComparison.Ordinal))
                throw CliException.BadInput($"{Flag} {directory}: the shards were scored from another file than --data {Path.GetFileName(dataPath)} (its SHA-256 differs from " +
                    "the one the workers recorded): score them again from this file, or give the file they were scored from.", e);
            throw CliException.BadInput($"{Flag} {directory}: {e.Message}", e);
        }
        var expected = plan.Load(ml).Schema;
        foreach (var column in expected)
        {
            var found = shards.Schema.GetColumnOrNull(column.Name);
            if (found is null || !found.Value.Type.Equals(column.Type))
                throw CliException.BadInput($"{Flag} {directory}: column '{column.Name}' is {(found is null ? "missing" : found.Value.Type.ToString())} in the shards, " +
                    $"but train loads it as {column.Type}: score with the same --label, --task and --positive as train.");
        }
        var extra = shards.Schema.Where(c => !c.IsHidden && expected.GetColumnOrNull(c.Name) is null && c.Name != DefaultColumnNames.TeacherLogits)
            .Select(c => c.Name).ToArray();
        if (extra.Length > 0 || shards.Schema.GetColumnOrNull(DefaultColumnNames.TeacherLogits) is null)
            throw CliException.BadInput($"{Flag} {directory}: the shards hold {string.Join(", ", shards.Schema.Select(c => $"'{c.Name}'"))}, not the columns train loads and " +
                $"'{DefaultColumnNames.TeacherLogits}': score with the same --label, --task and --positive as train.");
        return shards;
    }
}
