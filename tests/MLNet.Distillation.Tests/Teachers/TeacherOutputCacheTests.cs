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

    private string CacheFile(MLContext ml, Teacher teacher, IDataView data)
    {
        Score(ml, teacher, data, _folder);
        return Assert.Single(Directory.GetFiles(_folder, "teacher-outputs-*.bin"));
    }

    [Theory]
    [InlineData("one flipped bit")]
    [InlineData("truncated")]
    [InlineData("another data's file")]
    public void A_damaged_or_foreign_cache_file_is_named_in_a_warning_and_recomputed(string damage)
    {
        var ml = new MLContext(0);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
        var data = TestData.Digits(ml, 120);
        using var teacher = Cnn();
        var direct = Score(ml, teacher, data, null);
        var file = CacheFile(ml, teacher, data);
        var bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case "one flipped bit": bytes[20 + 120 * 8 + 5 * 4 + 3] ^= 0x40; break; // after the 20-byte header and 120 fingerprints: row 0's logit 5, whose exponent grows to about 1e26
            case "truncated": bytes = bytes[..(bytes.Length - 100)]; break;
            default:
                // The file another data set's rows produced, under this data's name.
                var other = Directory.CreateTempSubdirectory().FullName;
                Score(ml, teacher, TestData.Digits(ml, 121), other);
                bytes = File.ReadAllBytes(Directory.GetFiles(other).Single());
                Directory.Delete(other, true);
                break;
        }
        File.WriteAllBytes(file, bytes);

        Assert.Equal(direct, Score(ml, teacher, data, _folder));
        Assert.Contains(warnings, w => w.Contains(Path.GetFileName(file)) && w.Contains("recomputing"));
        Assert.Equal(direct, Score(ml, teacher, data, _folder)); // rewritten whole: no warning the second time
        Assert.Single(warnings);
    }

    [Fact]
    public void With_FailOnDamagedCache_a_damaged_file_is_an_error_that_names_it()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 60);
        using var teacher = Cnn();
        var file = CacheFile(ml, teacher, data);
        var bytes = File.ReadAllBytes(file);
        bytes[^40] ^= 1;
        File.WriteAllBytes(file, bytes);
        var error = Assert.Throws<InvalidDataException>(() => ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = teacher, CacheDirectory = _folder, FailOnDamagedCache = true,
        }).Fit(data).Transform(data));
        Assert.Contains(file, error.Message);
        Assert.Contains("damaged", error.Message);
    }

    [Fact]
    public void The_cache_file_is_read_whole_and_closed()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 60);
        using var teacher = Cnn();
        var file = CacheFile(ml, teacher, data);
        var scored = ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = teacher, CacheDirectory = _folder }).Fit(data).Transform(data);
        TestData.Column(scored, DefaultColumnNames.TeacherLogits);
        // While the scored view lives, no handle of this process points at the file (Linux lists them under /proc/self/fd).
        var open = Directory.GetFiles("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).Where(t => t == file);
        Assert.Empty(open);
        File.Delete(file);
        GC.KeepAlive(scored);
    }
}
