using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers;

public sealed class TeacherOutputCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("teacher-cache-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private float[][] Score(MLContext ml, Teacher teacher, IDataView data, string? cache)
        => TestData.Column(ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = teacher, CacheDirectory = cache, BatchSize = 64 })
            .Fit(data).Transform(data), DefaultColumnNames.TeacherLogits);

    private static Teacher Cnn(string output = "logits", TeacherOutputKind kind = TeacherOutputKind.Logits)
        => Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = output, OutputKind = kind });

    [Fact]
    public void Logits_are_written_once_and_reused_with_identical_values()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 150);
        using var teacher = Cnn();
        var direct = Score(ml, teacher, data, null);
        var first = Score(ml, teacher, data, _folder);
        var file = Assert.Single(Directory.GetFiles(_folder));
        var written = File.GetLastWriteTimeUtc(file);
        using var sameModelAgain = Cnn();
        var second = Score(ml, sameModelAgain, data, _folder);

        Assert.Equal(direct, first);
        Assert.Equal(direct, second);
        Assert.Single(Directory.GetFiles(_folder));
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
    }

    [Fact]
    public void A_cached_teacher_is_not_called_again()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 100);
        var counting = new OnnxTeacherTests.CountingTeacher();
        Score(ml, counting, data, _folder);
        Assert.Equal(100, counting.RowsScored);
        var again = new OnnxTeacherTests.CountingTeacher();
        var logits = Score(ml, again, data, _folder);
        Assert.Equal(0, again.RowsScored);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), logits.Select(r => r[0]));
    }

    [Fact]
    public void Another_teacher_other_rows_or_another_order_get_their_own_file()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 120);
        using var logits = Cnn();
        using var probabilities = Cnn("probabilities", TeacherOutputKind.Probabilities);
        Score(ml, logits, data, _folder);
        Score(ml, probabilities, data, _folder);
        Score(ml, logits, TestData.Digits(ml, 119), _folder);
        var reordered = ml.Data.Cache(ml.Data.ShuffleRows(data, seed: 3));
        var shuffled = Score(ml, logits, reordered, _folder);
        Assert.Equal(4, Directory.GetFiles(_folder).Length);
        Assert.Equal(Score(ml, logits, reordered, null), shuffled);
        Assert.Throws<DirectoryNotFoundException>(() => ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = logits, CacheDirectory = Path.Combine(_folder, "absent") }).Fit(data));
    }
}
