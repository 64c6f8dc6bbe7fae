using System.Diagnostics;
using Microsoft.ML;
using MLNet.Distillation.Tests.Support;
using MLNet.Distillation.TrainingChild;

namespace MLNet.Distillation.Tests.Training;

/// <summary>Checkpoints survive a kill -9 and resume to the bit-identical student; cancellation stops within a batch.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_run_killed_mid_training_resumes_to_the_bit_identical_student()
    {
        var ml = new MLContext(0);
        string digits = TestData.Fixture("digits.csv");
        var data = CheckpointedRun.Data(ml, digits);
        var uninterrupted = ml.MulticlassClassification.Trainers.Distillation(CheckpointedRun.Options(null)).Fit(data);

        // The same run in another process, killed (SIGKILL) once it has reported epoch 12.
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "MLNet.Distillation.TrainingChild.dll"), digits, _folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var child = Process.Start(info)!)
        {
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null && line != "epoch 12") { }
            Assert.Equal("epoch 12", line);
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        Assert.Single(Directory.GetFiles(_folder, "checkpoint-*.bin"));

        var reports = new List<EpochReport>();
        var resumed = ml.MulticlassClassification.Trainers.Distillation(CheckpointedRun.Options(_folder, new SynchronousProgress<EpochReport>(reports.Add))).Fit(data);
        Assert.InRange(reports.Count, 1, CheckpointedRun.Epochs - 11); // only the epochs after the checkpoint ran here
        Assert.Equal(CheckpointedRun.Epochs, resumed.TrainingHistory.Count);
        Assert.Equal(uninterrupted.BestEpoch, resumed.BestEpoch);
        Assert.Equal(uninterrupted.ToOnnx(), resumed.ToOnnx()); // every weight, bit for bit
        Assert.Equal(TestData.Column(uninterrupted.Transform(data), "Score"), TestData.Column(resumed.Transform(data), "Score"));
        // The killed process's temporary file (if it died mid-write) is gone: the next checkpoint write removed it.
        Assert.DoesNotContain(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void A_finished_run_returns_at_once_and_a_checkpoint_of_another_run_is_never_resumed()
    {
        var ml = new MLContext(0);
        var data = CheckpointedRun.Data(ml, TestData.Fixture("digits.csv"));
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
        var first = ml.MulticlassClassification.Trainers.Distillation(CheckpointedRun.Options(_folder)).Fit(data);

        var reports = new List<EpochReport>();
        var again = ml.MulticlassClassification.Trainers.Distillation(CheckpointedRun.Options(_folder, new SynchronousProgress<EpochReport>(reports.Add))).Fit(data);
        Assert.Empty(reports);
        Assert.Equal(first.ToOnnx(), again.ToOnnx());

        // A damaged checkpoint is named in a warning, and training starts over (and ends at the same student).
        var file = Assert.Single(Directory.GetFiles(_folder, "checkpoint-*.bin"));
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(file, bytes);
        var repaired = ml.MulticlassClassification.Trainers.Distillation(CheckpointedRun.Options(_folder, new SynchronousProgress<EpochReport>(reports.Add))).Fit(data);
        Assert.Contains(warnings, w => w.Contains(Path.GetFileName(file)) && w.Contains("damaged"));
        Assert.Equal(CheckpointedRun.Epochs, reports.Count);
        Assert.Equal(first.ToOnnx(), repaired.ToOnnx());

        // Other options: another file, trained from the start.
        reports.Clear();
        var other = CheckpointedRun.Options(_folder, new SynchronousProgress<EpochReport>(reports.Add));
        other.LearningRate = 1e-3f;
        ml.MulticlassClassification.Trainers.Distillation(other).Fit(data);
        Assert.Equal(CheckpointedRun.Epochs, reports.Count);
        Assert.Equal(2, Directory.GetFiles(_folder, "checkpoint-*.bin").Length);
        Assert.Throws<DirectoryNotFoundException>(() =>
            ml.MulticlassClassification.Trainers.Distillation(CheckpointedRun.Options(Path.Combine(_folder, "absent"))).Fit(data));
    }

    [Fact]
    public void Cancelling_the_token_or_the_context_stops_before_the_next_batch()
    {
        var ml = new MLContext(0);
        var data = CheckpointedRun.Data(ml, TestData.Fixture("digits.csv"));
        using var source = new CancellationTokenSource();
        var reports = new List<EpochReport>();
        var options = CheckpointedRun.Options(null, new SynchronousProgress<EpochReport>(r => { reports.Add(r); if (r.Epoch == 3) source.Cancel(); }));
        options.CancellationToken = source.Token;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.Distillation(options).Fit(data));
        Assert.Equal(3, reports.Count);

        reports.Clear();
        var context = new MLContext(0);
        var viaContext = CheckpointedRun.Options(null, new SynchronousProgress<EpochReport>(r => { reports.Add(r); if (r.Epoch == 2) context.Distillation.CancelExecution(); }));
        var error = Assert.ThrowsAny<OperationCanceledException>(() => context.MulticlassClassification.Trainers.Distillation(viaContext).Fit(CheckpointedRun.Data(context, TestData.Fixture("digits.csv"))));
        Assert.Contains("cancelled", error.Message);
        Assert.Equal(2, reports.Count);
    }
}
