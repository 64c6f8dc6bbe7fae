using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Sharding;

/// <summary>
/// A job array on this machine: <c>distill score</c> workers as separate processes, the shard taken from
/// <c>JOB_COMPLETION_INDEX</c> as in a Kubernetes Indexed Job, two of them killed mid-shard and restarted, one run twice.
/// The folder then holds exactly the rows and teacher outputs of scoring the whole file in one process, and training
/// from it gives the student that training on the file gives, bit for bit.
/// </summary>
public sealed class ShardWorkerProcessTests : IDisposable
{
    private const int Shards = 4;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>breast_cancer.csv's rows repeated, so each worker scores long enough to be killed in the middle.</summary>
    private string LargeFile(int copies)
    {
        var lines = File.ReadAllLines(Distill.Fixture("breast_cancer.csv"));
        using var writer = new StreamWriter(_folder["large.csv"]);
        writer.WriteLine(lines[0]);
        for (int copy = 0; copy < copies; copy++)
            foreach (var line in lines.Skip(1))
                writer.WriteLine(line);
        return _folder["large.csv"];
    }

    private Process Worker(string data, string teacher, int index)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [ShardWorkerTool.Path(), "score", "--data", data, "--label", "Malignant", "--teacher", teacher,
                "--out", _folder["shards"], "--shard-count", Shards.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Process.Start(info)!;
    }

    private static (int ExitCode, string Output) Finish(Process worker)
    {
        var output = worker.StandardOutput.ReadToEndAsync();
        var error = worker.StandardError.ReadToEndAsync();
        Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(3)), "a worker did not finish in 3 minutes");
        return (worker.ExitCode, output.Result + error.Result);
    }

    /// <summary>Waits until <paramref name="worker"/> is writing its shard (its temporary file is there), then kills it.</summary>
    private void KillMidShard(Process worker, int index)
    {
        string pattern = $".shard-{index:D5}-of-{Shards:D5}.idv.*.tmp";
        var clock = Stopwatch.StartNew();
        while (!(Directory.Exists(_folder["shards"]) && Directory.EnumerateFiles(_folder["shards"], pattern).Any()))
        {
            if (worker.HasExited)
                Assert.Fail($"worker {index} finished before it could be killed mid-shard: {Finish(worker).Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"worker {index} did not start writing its shard");
            Thread.Sleep(5);
        }
        worker.Kill(entireProcessTree: true);
        worker.WaitForExit();
        Assert.False(File.Exists(_folder[$"shards/shard-{index:D5}-of-{Shards:D5}.json"]), $"worker {index} was killed but left a manifest");
    }

    [Fact]
    public void Killed_restarted_and_repeated_workers_leave_the_shards_of_scoring_the_whole_file()
    {
        var (code, _, error) = Distill.Run("train", "--data", Distill.Fixture("breast_cancer.csv"), "--label", "Malignant", "--out", _folder["teacher"], "--no-baseline", "--epochs", "1");
        Assert.True(code == 0, error);
        string teacher = _folder["teacher/teacher.zip"], data = LargeFile(copies: 120);

        var workers = Enumerable.Range(0, Shards).Select(i => Worker(data, teacher, i)).ToArray();
        KillMidShard(workers[1], 1);
        KillMidShard(workers[3], 3);
        foreach (int i in new[] { 0, 2 })
        {
            var (exit, output) = Finish(workers[i]);
            Assert.True(exit == 0, output);
            Assert.Contains($"Scored shard {i} (rows", output);
            Assert.Contains("from JOB_COMPLETION_INDEX", output);
        }
        // The killed workers left their temporaries, never a shard: the folder is two shards short, and says which.
        Assert.Equal(2, Directory.EnumerateFiles(_folder["shards"], "*.tmp").Count());
        var incomplete = Assert.Throws<InvalidDataException>(() => new MLContext(0).Distillation.LoadScoredShards(_folder["shards"])).Message;
        Assert.Contains("2 of 4 shards are missing", incomplete);
        Assert.Contains("shard-00001-of-00004.idv", incomplete);
        Assert.Contains("shard-00003-of-00004.idv", incomplete);

        foreach (int i in new[] { 1, 3 })
        {
            var (exit, output) = Finish(Worker(data, teacher, i));
            Assert.True(exit == 0, output);
            Assert.Contains($"Scored shard {i} (rows", output);
        }
        var repeated = Finish(Worker(data, teacher, 0));
        Assert.True(repeated.ExitCode == 0, repeated.Output);
        Assert.Contains("already complete", repeated.Output);
        Assert.Empty(Directory.EnumerateFiles(_folder["shards"], "*.tmp")); // the restarted workers removed their dead predecessors' temporaries

        // The whole file scored in one process, as one shard.
        using (var whole = new StringWriter())
            ScoreCommand.Execute(data, "Malignant", null, null, null, ScoreCommand.Teacher(teacher), _folder["whole"], new ShardAssignment(0, 1, "--shard"),
                Distill.Quiet(whole), CancellationToken.None);
        var ml = new MLContext(0);
        var sharded = ml.Distillation.LoadScoredShards(_folder["shards"]);
        var unsharded = ml.Distillation.LoadScoredShards(_folder["whole"]);
        Assert.Equal(unsharded.GetRowCount(), sharded.GetRowCount());
        Assert.Equal(unsharded.GetColumn<float>("mean_radius"), sharded.GetColumn<float>("mean_radius"));
        Assert.Equal(unsharded.GetColumn<VBuffer<float>>("TeacherLogits").Select(v => v.DenseValues().ToArray()),
            sharded.GetColumn<VBuffer<float>>("TeacherLogits").Select(v => v.DenseValues().ToArray()));

        // Training from the workers' shards and from the file: the same student.
        string[] Train(string output, params string[] more)
            => ["train", "--data", data, "--label", "Malignant", "--teacher", teacher, "--out", _folder[output], "--no-baseline", "--epochs", "1", .. more];
        var fromShards = Distill.Run(Train("from-shards", "--shards", _folder["shards"]));
        Assert.True(fromShards.ExitCode == 0, fromShards.Error);
        var fromFile = Distill.Run(Train("from-file"));
        Assert.True(fromFile.ExitCode == 0, fromFile.Error);
        Assert.Equal(File.ReadAllBytes(_folder["from-file/student.onnx"]), File.ReadAllBytes(_folder["from-shards/student.onnx"]));
    }
}
