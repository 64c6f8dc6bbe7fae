using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Commands;

/// <summary>
/// <c>distill score</c> workers and <c>distill train --shards</c>: the shards stand in for scoring the file, so the
/// student is the one trained on the file, bit for bit; a folder or teacher that does not fit is refused by name.
/// </summary>
public sealed class ScoreCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _data = Distill.Fixture("breast_cancer.csv");

    public void Dispose() => _folder.Dispose();

    /// <summary>A LightGbm teacher.zip trained by distill train on the file (its featuriser inside).</summary>
    private string Teacher()
    {
        var (code, _, error) = Distill.Run("train", "--data", _data, "--label", "Malignant", "--out", _folder["teacher"], "--no-baseline", "--epochs", "1");
        Assert.True(code == 0, error);
        return _folder["teacher/teacher.zip"];
    }

    private (int ExitCode, string Out, string Error) Score(string teacher, string shard, string? data = null)
        => Distill.Run("score", "--data", data ?? _data, "--label", "Malignant", "--teacher", teacher, "--out", _folder["shards"], "--shard", shard);

    private (int ExitCode, string Out, string Error) Train(string teacher, string output, params string[] more)
        => Distill.Run(["train", "--data", _data, "--label", "Malignant", "--teacher", teacher, "--out", _folder[output], "--no-baseline", "--epochs", "4", "--seed", "2", .. more]);

    [Fact]
    public void Training_from_the_workers_shards_writes_the_student_training_on_the_file_writes()
    {
        string teacher = Teacher();
        for (int i = 0; i < 3; i++)
        {
            var (code, output, error) = Score(teacher, $"{i}/3");
            Assert.True(code == 0, error);
            Assert.Contains($"Scored shard {i} (rows ", output);
        }
        var again = Score(teacher, "1/3");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("was already complete with this teacher and these rows: left as it is", again.Out);

        var fromShards = Train(teacher, "from-shards", "--shards", _folder["shards"]);
        Assert.True(fromShards.ExitCode == 0, fromShards.Error);
        Assert.Contains("its outputs on the training rows come from the shards in", fromShards.Out);
        var fromFile = Train(teacher, "from-file");
        Assert.True(fromFile.ExitCode == 0, fromFile.Error);

        Assert.Equal(File.ReadAllBytes(_folder["from-file/student.onnx"]), File.ReadAllBytes(_folder["from-shards/student.onnx"]));
        Assert.Contains("\"shards\": ", File.ReadAllText(_folder["from-shards/metrics.json"]));
    }

    [Fact]
    public void Shards_that_do_not_fit_the_training_run_are_refused_naming_the_culprit()
    {
        string teacher = Teacher();
        for (int i = 0; i < 2; i++)
            Assert.Equal(0, Score(teacher, $"{i}/2").ExitCode);

        // Another file: its SHA-256 differs from the one the workers recorded.
        string edited = _folder.Write("edited.csv", File.ReadAllText(_data).Replace("17.99,", "18.00,"));
        var other = Distill.Run("train", "--data", edited, "--label", "Malignant", "--teacher", teacher, "--out", _folder["x"], "--no-baseline", "--epochs", "1", "--shards", _folder["shards"]);
        Assert.Equal(ExitCodes.BadInput, other.ExitCode);
        Assert.Contains("--shards", other.Error);
        Assert.Contains("another file than --data edited.csv", other.Error);
        Assert.Contains("score them again", other.Error);

        // A teacher the workers cannot have scored with.
        var lightGbm = Train("lightgbm", "y", "--shards", _folder["shards"]);
        Assert.Equal(ExitCodes.BadInput, lightGbm.ExitCode);
        Assert.Contains("give that file as --teacher", lightGbm.Error);

        // A missing shard.
        File.Delete(_folder["shards/shard-00001-of-00002.idv"]);
        File.Delete(_folder["shards/shard-00001-of-00002.json"]);
        var missing = Train(teacher, "z", "--shards", _folder["shards"]);
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("shard-00001-of-00002.idv", missing.Error);
        Assert.False(Directory.Exists(_folder["z"]) && Directory.EnumerateFiles(_folder["z"]).Any());
    }

    [Fact]
    public void A_worker_is_refused_an_onnx_or_text_teacher_and_an_index_past_the_count()
    {
        string onnx = _folder.Write("teacher.onnx", "not a model");
        var refusedOnnx = Score(onnx, "0/2");
        Assert.Equal(ExitCodes.BadInput, refusedOnnx.ExitCode);
        Assert.Contains("an ML.NET model .zip", refusedOnnx.Error);
        Assert.Contains("only 'distill train' can use it", Score("minilm", "0/2").Error);
        var past = Score(onnx, "2/2");
        Assert.Contains("--shard 2/2: the index counts from 0", past.Error);
        Assert.Contains("lightgbm: score needs", Score("lightgbm", "0/2").Error);
        Assert.False(Directory.Exists(_folder["shards"]));
    }

    [Fact]
    public void A_worker_names_the_culprit_of_a_teacher_that_does_not_fit_too_many_shards_and_an_output_that_is_a_file()
    {
        string teacher = Teacher();
        // A teacher trained on another table: it lacks the columns it reads.
        var (code, _, error) = Distill.Run("train", "--data", Distill.Fixture("wine.csv"), "--label", "Cultivar", "--out", _folder["wine"], "--no-baseline", "--epochs", "1");
        Assert.True(code == 0, error);
        var misfit = Score(_folder["wine/teacher.zip"], "0/2");
        Assert.Equal(ExitCodes.TrainingFailed, misfit.ExitCode);
        Assert.Contains("--teacher", misfit.Error);
        Assert.DoesNotContain("(Parameter", misfit.Error);

        var many = Score(teacher, "0/1000");
        Assert.Equal(ExitCodes.BadInput, many.ExitCode);
        Assert.Contains("--shard: 1000 shards, but breast_cancer.csv has 569 rows", many.Error);

        _folder.Write("taken", "a file");
        var file = Distill.Run("score", "--data", _data, "--label", "Malignant", "--teacher", teacher, "--out", _folder["taken"], "--shard", "0/2");
        Assert.Equal(ExitCodes.OutputFailed, file.ExitCode);
        Assert.Contains("--out", file.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder["shards"])); // the misfit teacher's run left no shard, finished or not
    }
}
