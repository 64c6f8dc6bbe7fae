using System.CommandLine;
using System.Diagnostics;
using k8s;
using k8s.Models;
using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Examples;

/// <summary>
/// examples/ScaleOut as a cluster would run it: the Kubernetes manifests read strictly against the API's typed model
/// (a misspelt field fails) and their distill arguments parsed by distill itself; the Slurm scripts run as written, one
/// process per array task, then the training step.
/// </summary>
public sealed class ScaleOutExampleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Example(string path)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MLNet.Distillation.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        return Path.Combine(directory.FullName, "examples", "ScaleOut", path);
    }

    private static V1Job Job(string file) => KubernetesYaml.Deserialize<V1Job>(File.ReadAllText(Example(file)), strict: true);

    /// <summary>Parses a container's arguments with distill's own command line: no unknown option, no missing value.</summary>
    private static void ParsesAsDistill(IList<string> args)
    {
        var root = new RootCommand { TrainCommand.Create(_ => 0), ScoreCommand.Create(_ => 0) };
        var parsed = root.Parse([.. args]);
        Assert.True(parsed.Errors.Count == 0, string.Join("; ", parsed.Errors.Select(e => e.Message)));
    }

    [Fact]
    public void The_kubernetes_scoring_job_is_an_indexed_job_with_one_pod_per_shard()
    {
        var job = Job("kubernetes/score-job.yaml");
        Assert.Equal("Indexed", job.Spec.CompletionMode);
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy); // backoffLimitPerIndex requires it
        Assert.NotNull(job.Spec.BackoffLimitPerIndex);
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal("score", container.Args[0]);
        ParsesAsDistill(container.Args);
        int count = int.Parse(container.Args[container.Args.IndexOf("--shard-count") + 1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(count, job.Spec.Completions);
        Assert.Equal(count, job.Spec.Parallelism);
        string mount = Assert.Single(container.VolumeMounts).MountPath;
        foreach (var option in new[] { "--data", "--teacher", "--out" })
            Assert.StartsWith(mount + "/", container.Args[container.Args.IndexOf(option) + 1]);

        var train = Job("kubernetes/train-job.yaml");
        var trainer = Assert.Single(train.Spec.Template.Spec.Containers);
        ParsesAsDistill(trainer.Args);
        Assert.Equal(container.Args[container.Args.IndexOf("--out") + 1], trainer.Args[trainer.Args.IndexOf("--shards") + 1]);
        foreach (var option in new[] { "--data", "--label", "--teacher" })
            Assert.Equal(container.Args[container.Args.IndexOf(option) + 1], trainer.Args[trainer.Args.IndexOf(option) + 1]);
    }

    [Fact]
    public void A_misspelt_field_in_a_manifest_fails_the_strict_read()
    {
        string yaml = File.ReadAllText(Example("kubernetes/score-job.yaml")).Replace("completionMode:", "completionMod:");
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.Deserialize<V1Job>(yaml, strict: true));
    }

    [Fact]
    public void The_dockerfile_publishes_the_tool_and_runs_it()
    {
        string dockerfile = File.ReadAllText(Example("Dockerfile"));
        Assert.Contains("dotnet publish src/MLNet.Distillation.Cli -c Release -o /app", dockerfile);
        Assert.True(File.Exists(Example("../../src/MLNet.Distillation.Cli/MLNet.Distillation.Cli.csproj")));
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/distill.dll\"]", dockerfile);
        Assert.Equal("distill", typeof(ScoreCommand).Assembly.GetName().Name);
        foreach (var file in new[] { "kubernetes/score-job.yaml", "kubernetes/train-job.yaml" })
            Assert.EndsWith("/distill-worker:1", Assert.Single(Job(file).Spec.Template.Spec.Containers).Image); // a registry name and a fixed tag: not pulled as :latest
    }

    private static (int ExitCode, string Output) Bash(string script, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("/bin/bash", [Example(script)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"{script} did not finish in 3 minutes");
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void The_slurm_scripts_run_as_written_one_task_per_shard_then_training()
    {
        File.Copy(Distill.Fixture("breast_cancer.csv"), _folder["train.csv"]);
        var (code, _, error) = Distill.Run("train", "--data", _folder["train.csv"], "--label", "Malignant", "--out", _folder["teacher"], "--no-baseline", "--epochs", "1");
        Assert.True(code == 0, error);
        File.Copy(_folder["teacher/teacher.zip"], _folder["teacher.zip"]);

        var environment = new Dictionary<string, string>
        {
            ["DISTILL"] = ShardWorkerTool.Path(), ["WORK"] = _folder.Path, ["LABEL"] = "Malignant",
            ["SHARDS"] = "3", // --array=0-2
        };
        string Task(int task) => task.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (int task in new[] { 0, 2 })
        {
            var (exit, output) = Bash("slurm/score-array.sbatch", new(environment) { ["SLURM_ARRAY_TASK_ID"] = Task(task), ["SLURM_ARRAY_TASK_MIN"] = "0" });
            Assert.True(exit == 0, output);
            Assert.Contains($"shard {task} of 3 (numbered from 0; from SLURM_ARRAY_TASK_ID)", output);
        }
        // Task 1 resubmitted alone (sbatch --array=1): Slurm sets the minimum to 1, and the task still scores shard 1.
        var (resubmitted, log1) = Bash("slurm/score-array.sbatch", new(environment) { ["SLURM_ARRAY_TASK_ID"] = "1", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "1" });
        Assert.True(resubmitted == 0, log1);
        Assert.Contains("shard 1 of 3", log1);
        var (trained, log) = Bash("slurm/train.sbatch", new(environment) { ["EXTRA_ARGS"] = "--no-baseline --epochs 2" });
        Assert.True(trained == 0, log);
        Assert.Contains("come from the shards in", log);
        Assert.True(File.Exists(_folder["student/student.onnx"]));
    }
}
