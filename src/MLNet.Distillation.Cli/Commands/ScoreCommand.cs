using System.CommandLine;
using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// <c>distill score</c>: one worker of a job array. Scores shard i of N of a CSV file with a teacher that reads the file's
/// own columns and writes <c>shard-NNNNN-of-NNNNN.idv</c> (the columns train loads, plus the teacher's outputs) and its
/// manifest to <c>--out</c>; <c>distill train --shards</c> then trains from the folder without running the teacher on the
/// training rows. Idempotent: a complete shard is skipped, an unfinished one redone
/// (<see cref="DistillationCatalog.ScoreShard(IDataView, Teacher, ShardScoringOptions)"/>).
/// </summary>
internal static class ScoreCommand
{
    /// <summary>The command, wired to <paramref name="run"/>.</summary>
    public static Command Create(Func<Func<CliConsole, CancellationToken, int>, int> run)
    {
        var data = new Option<string>("--data") { Description = "The whole training file (the same in every worker; the shard's rows are chosen here).", Required = true };
        var label = new Option<string>("--label") { Description = "The label column, as distill train will be given it (the shard keeps the columns train loads, typed as train types them).", Required = true };
        var task = new Option<string?>("--task") { Description = "binary, multiclass or regression, as distill train will be given it; inferred from the label when left out." };
        var positive = new Option<string?>("--positive") { Description = "Binary tasks: the positive class, as distill train will be given it." };
        var header = new Option<string?>("--header") { Description = "true or false: whether --data starts with a header row (default: detected)." };
        var teacher = new Option<string>("--teacher")
        {
            Description = "An ML.NET model (.zip) that reads the CSV's columns: teacher.zip from 'distill train --teacher lightgbm', or a Model Builder model. " +
                "(An ONNX teacher reads the featurised vector, whose featuriser train fits on the training rows, so workers cannot score for it.)",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "The folder every worker writes its shard to (created if missing); give it to distill train --shards.", Required = true };
        var shard = new Option<string?>("--shard") { Description = "INDEX/COUNT: this worker's shard (from 0) and the number of shards, e.g. 3/8." };
        var shardCount = new Option<int?>("--shard-count")
        {
            Description = "The number of shards, the index coming from the job engine: JOB_COMPLETION_INDEX (Kubernetes Indexed Job), SLURM_ARRAY_TASK_ID " +
                "(an array numbered from 0), AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) or the trailing digits of AZ_BATCH_TASK_ID (Azure Batch), the first one set.",
        };
        var command = new Command("score", "One worker of a job array: score shard i of N of a CSV file with a teacher and write it (with its manifest) to --out, for distill train --shards. " +
            "Run again, a worker skips a complete shard and redoes an unfinished one.");
        foreach (var option in new Option[] { data, label, task, positive, header, teacher, output, shard, shardCount })
            command.Options.Add(option);
        command.SetAction(result => run((console, cancellation) =>
        {
            var assignment = ShardAssignment.Resolve(result.GetValue(shard), result.GetValue(shardCount), Environment.GetEnvironmentVariable);
            Execute(result.GetValue(data)!, result.GetValue(label)!, result.GetValue(task) is string t ? CliTask.Parse(t).Kind : null,
                result.GetValue(positive), RunOptions.ParseHeader(result.GetValue(header)), Teacher(result.GetValue(teacher)!),
                result.GetValue(output)!, assignment, console, cancellation);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Parses <c>--teacher</c> for a scoring worker: an ML.NET model .zip only.</summary>
    public static TeacherSource Teacher(string value)
    {
        var source = TeacherSource.Parse(value, allowLightGbm: false, command: "score");
        return source.Kind == TeacherKind.MLNetModel ? source
            : throw CliException.BadInput($"--teacher {value}: a scoring worker needs a teacher that reads the CSV's own columns, an ML.NET model .zip. " +
                "An ONNX teacher reads the featurised vector, and distill train fits that featuriser on the training rows, so each worker would fit its own; " +
                "wrap the featurisation and the teacher in one ML.NET model, or score in one process with distill train.");
    }

    /// <summary>Runs <c>distill score</c>; returns what the library did.</summary>
    public static ShardScoringResult Execute(string dataPath, string labelName, DistillationTask? task, string? positive, bool? header,
        TeacherSource teacherSource, string outPath, ShardAssignment assignment, CliConsole console, CancellationToken cancellation)
    {
        var (plan, _) = Featurization.Infer(dataPath, labelName, task, positive, header);
        if (assignment.Count > plan.Schema.Rows)
            throw CliException.BadInput($"{assignment.Source}: {assignment.Count} shards, but {plan.Schema.FileName} has {plan.Schema.Rows:N0} rows: every shard needs one. Use fewer shards.");
        // The folder is shared by every worker, and this worker's own shard may be there from an earlier run: no --force.
        OutputFolder.Prepare(outPath, force: true, []);
        console.WriteLine($"Data: {plan.Schema.FileName}, {plan.Schema.Rows:N0} rows; task {plan.CliTask.Name} (label '{plan.Label.Name}'); {assignment.Describe()}.");
        var ml = new MLContext(0);
        // ML.NET's binary writer does not stop for a cancelled context, so Ctrl+C ends the worker as a killed one ends:
        // its temporary file stays (the next run of this shard removes it) and no manifest is written.
        using var stop = cancellation.Register(() =>
        {
            console.Error.WriteLine($"error: cancelled; shard {assignment.Index} was not finished (no manifest): run this worker again to score it.");
            Environment.Exit(ExitCodes.Cancelled);
        });
        using var teacher = TeacherLoader.Load(ml, teacherSource);
        var options = new ShardScoringOptions
        {
            Directory = outPath,
            ShardIndex = assignment.Index,
            ShardCount = assignment.Count,
            SourceId = SourceId(dataPath),
        };
        ShardScoringResult result;
        try
        {
            result = ml.Distillation.ScoreShard(plan.Load(ml), teacher, options);
        }
        catch (InvalidDataException e)
        {
            throw CliException.BadInput($"--data {plan.Schema.FileName}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.OutputFailed($"--out {outPath}: {e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw CliException.TrainingFailed($"--teacher {teacherSource.Path}: scoring shard {assignment.Index} of {plan.Schema.FileName} failed: {e.Message}", e);
        }
        string rows = $"rows {result.FirstRow:N0} to {result.FirstRow + result.Rows - 1:N0} of {result.TotalRows:N0}";
        console.WriteLine(result.Skipped
            ? $"Shard {result.ShardIndex} ({rows}) was already complete with this teacher and these rows: left as it is ({result.Path})."
            : $"Scored shard {result.ShardIndex} ({rows}) with {teacher.Description} in {result.Elapsed.TotalSeconds:0.0} s: {result.Path}.");
        return result;
    }

    /// <summary>What identifies the training file in the shards' manifests, so train refuses shards scored from another file.</summary>
    public static string SourceId(string dataPath) => $"sha256:{MetricsJson.Sha256(dataPath)}";
}
