using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.IO.Shards;

/// <summary>
/// Scoring a data set shard by shard (one worker per shard, as a job array runs them) and reading the folder back: the
/// shards are the data with the teacher's outputs, a student trained from them is the student trained on the data, a
/// worker run again skips or redoes its shard, and a folder that is not one complete job is refused naming the file.
/// </summary>
public sealed class ShardScoringTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnet-scored-shards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (MLContext Ml, IDataView Train, IDataView Test, Teacher Teacher) BreastCancer()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.BreastCancer(ml), testFraction: 0.3, seed: 1);
        var train = ml.Data.Cache(split.TrainSet);
        var fastTree = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 30).Fit(train);
        return (ml, train, split.TestSet, Teacher.FromTransformer(fastTree));
    }

    private ShardScoringResult[] ScoreAll(MLContext ml, IDataView data, Teacher teacher, int count, string? folder = null)
        => Enumerable.Range(0, count).Select(i => ml.Distillation.ScoreShard(data, teacher, folder ?? _folder, i, count)).ToArray();

    private static DistillationBinaryTrainer.Options Options(bool streaming = false) => new()
    {
        Student = new MlpStudent { HiddenLayers = [16] }, NumberOfEpochs = 8, BatchSize = 32, Seed = 4, NumberOfThreads = 1,
        Streaming = streaming, StreamingBlockRows = 64,
    };

    [Fact]
    public void Shards_read_back_in_order_are_the_data_with_the_teachers_outputs_and_train_the_same_student_bit_for_bit()
    {
        var (ml, train, test, teacher) = BreastCancer();
        long rows = train.GetRowCount() ?? TestData.Column(train, "Features").Length;
        var results = ScoreAll(ml, train, teacher, 3);

        // Contiguous blocks that differ by at most one row, covering every row once.
        Assert.Equal(0, results[0].FirstRow);
        for (int i = 1; i < 3; i++)
            Assert.Equal(results[i - 1].FirstRow + results[i - 1].Rows, results[i].FirstRow);
        Assert.Equal(rows, results.Sum(r => r.Rows));
        Assert.InRange(results.Max(r => r.Rows) - results.Min(r => r.Rows), 0, 1);
        Assert.All(results, r => Assert.False(r.Skipped));
        Assert.All(results, r => Assert.True(File.Exists(Path.ChangeExtension(r.Path, ".json"))));

        var unsharded = ml.Data.Cache(ml.Transforms.TeacherScore(teacher).Fit(train).Transform(train));
        var shards = ml.Distillation.LoadScoredShards(_folder, teacher, sourceId: null);
        Assert.Equal(rows, shards.GetRowCount());
        Assert.Equal(TestData.Column(unsharded, "Features"), TestData.Column(shards, "Features"));
        Assert.Equal(TestData.Column(unsharded, "TeacherLogits"), TestData.Column(shards, "TeacherLogits"));
        Assert.Equal(unsharded.GetColumn<bool>("Label").ToArray(), shards.GetColumn<bool>("Label").ToArray());

        var fromData = ml.BinaryClassification.Trainers.Distillation(Options()).Fit(unsharded);
        var fromShards = ml.BinaryClassification.Trainers.Distillation(Options()).Fit(shards);
        Assert.Equal(fromData.ToOnnx(), fromShards.ToOnnx());
        Assert.Equal(TestData.Scalars(fromData.Transform(test), "Probability"), TestData.Scalars(fromShards.Transform(test), "Probability"));
    }

    [Fact]
    public void Streaming_from_the_shards_gives_the_same_student_for_a_seed()
    {
        var (ml, train, test, teacher) = BreastCancer();
        ScoreAll(ml, train, teacher, 4);
        var shards = ml.Distillation.LoadScoredShards(_folder);
        var first = ml.BinaryClassification.Trainers.Distillation(Options(streaming: true)).Fit(shards);
        var second = ml.BinaryClassification.Trainers.Distillation(Options(streaming: true)).Fit(ml.Distillation.LoadScoredShards(_folder));
        Assert.Equal(first.ToOnnx(), second.ToOnnx());
        Assert.True(ml.BinaryClassification.Evaluate(first.Transform(test)).AreaUnderRocCurve > 0.95);
    }

    [Fact]
    public void A_worker_run_again_skips_a_complete_shard_and_redoes_an_unfinished_or_damaged_one()
    {
        var (ml, train, _, teacher) = BreastCancer();
        var first = ScoreAll(ml, train, teacher, 2);
        // ML.NET's binary saver compresses blocks on several threads and may lay them out in another order each time, so
        // a rewritten shard is compared by its values, not its bytes.
        float[][] Content(string path) => [.. TestData.Column(ml.Data.LoadFromBinary(path), "Features"), .. TestData.Column(ml.Data.LoadFromBinary(path), "TeacherLogits")];
        var written = Content(first[1].Path);

        var again = ScoreAll(ml, train, teacher, 2);
        Assert.All(again, r => Assert.True(r.Skipped));

        // Killed after the shard's rename but before its manifest: no manifest, so redone.
        File.Delete(Path.ChangeExtension(first[1].Path, ".json"));
        Assert.Contains("has no manifest", Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadScoredShards(_folder)).Message);
        var redone = ml.Distillation.ScoreShard(train, teacher, _folder, 1, 2);
        Assert.False(redone.Skipped);
        Assert.Equal(written, Content(redone.Path));

        // A byte changed on disk: the SHA-256 differs, so redone (the reader sees only sizes, so this one is for the worker).
        var bytes = File.ReadAllBytes(redone.Path);
        bytes[^9] ^= 0x5A;
        File.WriteAllBytes(redone.Path, bytes);
        Assert.False(ml.Distillation.ScoreShard(train, teacher, _folder, 1, 2).Skipped);
        Assert.Equal(written, Content(redone.Path));

        // Other rows (the same count, another order): their fingerprint differs from the manifest's, so redone.
        var reordered = ml.Data.Cache(ml.Data.ShuffleRows(train, seed: 3));
        Assert.False(ml.Distillation.ScoreShard(reordered, teacher, _folder, 1, 2).Skipped);
        Assert.NotEqual(written, Content(redone.Path));
        Assert.True(ml.Distillation.ScoreShard(reordered, teacher, _folder, 1, 2).Skipped);

        // Another teacher: redone, and the folder is then a mix of two teachers' shards, refused by name.
        var other = Teacher.FromTransformer(ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 5).Fit(train));
        Assert.False(ml.Distillation.ScoreShard(train, other, _folder, 1, 2).Skipped);
        var mixed = Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadScoredShards(_folder));
        Assert.Contains("shard-00001-of-00002.json", mixed.Message);
        Assert.Contains("another teacher", mixed.Message);
    }

    [Fact]
    public void A_folder_that_is_not_one_complete_job_is_refused_naming_the_shard()
    {
        var (ml, train, _, teacher) = BreastCancer();
        ScoreAll(ml, train, teacher, 3);
        string Shard(int i) => Path.Combine(_folder, $"shard-{i:D5}-of-00003.idv");

        // Missing: the shard and its manifest gone.
        File.Move(Shard(1), Path.Combine(_folder, "aside.bin"));
        File.Move(Path.ChangeExtension(Shard(1), ".json"), Path.Combine(_folder, "aside.manifest"));
        var missing = Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadScoredShards(_folder));
        Assert.Contains("1 of 3 shards are missing", missing.Message);
        Assert.Contains("shard-00001-of-00003.idv", missing.Message);
        File.Move(Path.Combine(_folder, "aside.bin"), Shard(1));
        File.Move(Path.Combine(_folder, "aside.manifest"), Path.ChangeExtension(Shard(1), ".json"));

        // Duplicated: a copy of shard 2 under another name, its manifest edited to match.
        string copy = Path.Combine(_folder, "shard-00002-of-00003-copy.idv");
        File.Copy(Shard(2), copy);
        File.WriteAllText(Path.ChangeExtension(copy, ".json"),
            File.ReadAllText(Path.ChangeExtension(Shard(2), ".json")).Replace("shard-00002-of-00003.idv", "shard-00002-of-00003-copy.idv"));
        var twice = Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadScoredShards(_folder));
        Assert.Contains("Shard 2 of 3 is in", twice.Message);
        Assert.Contains("shard-00002-of-00003-copy.json", twice.Message);
        File.Delete(copy);
        File.Delete(Path.ChangeExtension(copy, ".json"));

        // Foreign: a shard of a split into 2 in the same folder.
        ml.Distillation.ScoreShard(train, teacher, _folder, 0, 2);
        var foreign = Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadScoredShards(_folder));
        Assert.Contains("another scoring job", foreign.Message);
        Assert.Contains("shard-0000", foreign.Message);
        File.Delete(Path.Combine(_folder, "shard-00000-of-00002.idv"));
        File.Delete(Path.Combine(_folder, "shard-00000-of-00002.json"));

        // Cut short after writing: the size differs from the manifest's.
        using (var stream = new FileStream(Shard(0), FileMode.Open))
            stream.SetLength(stream.Length - 100);
        var cut = Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadScoredShards(_folder));
        Assert.Contains("shard-00000-of-00003.idv", cut.Message);
        Assert.Contains("cut short", cut.Message);
        ml.Distillation.ScoreShard(train, teacher, _folder, 0, 3);

        // Another teacher or other data than the caller expects.
        var other = Teacher.FromTransformer(ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 5).Fit(train));
        Assert.Contains("scored by another teacher", Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadScoredShards(_folder, other, null)).Message);
        Assert.Contains("from other data", Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadScoredShards(_folder, teacher, "sha256:abc")).Message);
        Assert.Equal(train.GetRowCount(), ml.Distillation.LoadScoredShards(_folder, teacher, null).GetRowCount());
    }

    [Fact]
    public void Shards_keep_the_named_columns_and_record_the_source()
    {
        var (ml, train, _, teacher) = BreastCancer();
        var result = ml.Distillation.ScoreShard(train, teacher, new ShardScoringOptions
        {
            Directory = Path.Combine(_folder, "made-here"), ShardIndex = 0, ShardCount = 1, ColumnNames = ["Features"], SourceId = "breast-cancer v1",
        });
        var shards = ml.Distillation.LoadScoredShards(Path.Combine(_folder, "made-here"), teacher, "breast-cancer v1");
        Assert.Equal(["Features", "TeacherLogits"], shards.Schema.Select(c => c.Name));
        Assert.Contains("\"sourceId\": \"breast-cancer v1\"", File.ReadAllText(Path.ChangeExtension(result.Path, ".json")));
    }

    [Theory]
    [InlineData(3, 3, "ShardIndex is 3: it must be from 0 to 2")]
    [InlineData(-1, 3, "ShardIndex is -1")]
    [InlineData(0, 0, "ShardCount is 0")]
    public void Bad_shard_numbers_are_refused_naming_the_option(int index, int count, string expected)
    {
        var (ml, train, _, teacher) = BreastCancer();
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Distillation.ScoreShard(train, teacher, _folder, index, count));
        Assert.Contains(expected, error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public void A_kept_column_the_data_lacks_is_refused_naming_it()
    {
        var (ml, train, _, teacher) = BreastCancer();
        var error = Assert.Throws<ArgumentException>(() => ml.Distillation.ScoreShard(train, teacher,
            new ShardScoringOptions { Directory = _folder, ColumnNames = ["Features", "Age"] }));
        Assert.Contains("'Age'", error.Message);
        Assert.Contains("Features, Label", error.Message);
    }
}
