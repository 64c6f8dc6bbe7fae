using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.IO.Shards;

/// <summary>Shards written by teacher-scoring workers, read back as one view and streamed into a Fit.</summary>
public sealed class BinaryShardsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnet-shards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Keyed digits [start, start + count) saved as one shard; returns its path.</summary>
    private string Shard(MLContext ml, IDataView digits, int start, int count, string name)
    {
        string path = Path.Combine(_folder, name);
        ml.Distillation.SaveBinaryShard(ml.Data.TakeRows(start > 0 ? ml.Data.SkipRows(digits, start) : digits, count), path);
        return path;
    }

    private static List<DataViewRowId> Ids(IDataView data, Random? random = null)
    {
        var ids = new List<DataViewRowId>();
        using var cursor = data.GetRowCursor(data.Schema, random);
        var id = cursor.GetIdGetter();
        DataViewRowId value = default;
        while (cursor.MoveNext())
        {
            id(ref value);
            ids.Add(value);
        }
        return ids;
    }

    [Fact]
    public void Shards_read_as_the_rows_they_were_cut_from_with_distinct_stable_ids()
    {
        var ml = new MLContext(0);
        var digits = TestData.KeyedDigits(ml, 300);
        var shards = ml.Distillation.LoadBinaryShards(Shard(ml, digits, 0, 120, "a.idv"), Shard(ml, digits, 120, 100, "b.idv"), Shard(ml, digits, 220, 80, "c.idv"));

        Assert.Equal(300L, shards.GetRowCount());
        Assert.True(shards.CanShuffle);
        Assert.Equal(TestData.Column(digits, "Features"), TestData.Column(shards, "Features"));
        Assert.Equal(TestData.Keys(digits, "Label"), TestData.Keys(shards, "Label"));
        var ids = Ids(shards);
        Assert.Equal(300, ids.Distinct().Count());
        Assert.Equal(ids, Ids(shards));

        // A shuffled cursor: every row once, in an order set by the seed.
        var shuffled = Ids(shards, new Random(5));
        Assert.Equal(ids.Order(), shuffled.Order());
        Assert.NotEqual(ids, shuffled);
        Assert.Equal(shuffled, Ids(shards, new Random(5)));
    }

    [Fact]
    public void A_streamed_fit_on_shards_learns_as_well_as_one_held_in_memory()
    {
        var ml = new MLContext(0);
        var digits = TestData.KeyedDigits(ml, 1500);
        var train = ml.Data.TakeRows(digits, 1200);
        var test = ml.Data.SkipRows(digits, 1200);
        var shards = ml.Distillation.LoadBinaryShards(Enumerable.Range(0, 4).Select(i => Shard(ml, train, i * 300, 300, $"part-{i}.idv")));
        DistillationMulticlassTrainer.Options Options(bool streaming) => new()
        {
            TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [32] }, NumberOfEpochs = 12, BatchSize = 64,
            LearningRate = 5e-3f, Seed = 3, Streaming = streaming, StreamingBlockRows = 256, ValidationFraction = 0.1f, NumberOfThreads = 1,
        };
        double Accuracy(ITransformer model) => ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        var inMemory = ml.MulticlassClassification.Trainers.Distillation(Options(false)).Fit(ml.Data.Cache(train));
        var streamed = ml.MulticlassClassification.Trainers.Distillation(Options(true)).Fit(shards);
        var again = ml.MulticlassClassification.Trainers.Distillation(Options(true)).Fit(shards);

        Assert.InRange(Accuracy(streamed), Accuracy(inMemory) - 0.03, 1.0);
        Assert.Equal(TestData.Column(streamed.Transform(test), "Score"), TestData.Column(again.Transform(test), "Score"));
    }

    [Fact]
    public void Workers_score_shards_with_a_teacher_and_one_machine_distils_from_all_of_them_streamed()
    {
        // The scale-out recipe of docs/articles/methods/streaming.md: each worker scores its rows with TeacherScore and saves a shard; training streams them.
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.BreastCancer(ml), testFraction: 0.3, seed: 1);
        var fastTree = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 50).Fit(split.TrainSet);
        var rows = TestData.Column(split.TrainSet, "Features").Length;
        var paths = new List<string>();
        for (int worker = 0, start = 0; start < rows; worker++, start += 150)
        {
            var part = ml.Data.TakeRows(start > 0 ? ml.Data.SkipRows(split.TrainSet, start) : split.TrainSet, 150);
            var scored = ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree)).Fit(part).Transform(part);
            var kept = ml.Transforms.SelectColumns("Features", "Label", "TeacherLogits").Fit(scored).Transform(scored);
            paths.Add(Path.Combine(_folder, $"part-{worker:D5}.idv"));
            ml.Distillation.SaveBinaryShard(kept, paths[^1]);
        }
        Assert.Equal(3, paths.Count);

        // A worker that read the teacher's raw score instead of its probability wrote other targets under the same schema.
        string raw = Path.Combine(_folder, "raw-score.idv");
        var rawScored = ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree, "Score")).Fit(split.TrainSet).Transform(split.TrainSet);
        ml.Distillation.SaveBinaryShard(ml.Transforms.SelectColumns("Features", "Label", "TeacherLogits").Fit(rawScored).Transform(rawScored), raw);
        var mixed = Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadBinaryShards([.. paths, raw]));
        Assert.Contains("teacher column 'TeacherLogits'", mixed.Message);
        Assert.Contains("raw-score.idv", mixed.Message);

        var student = ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
        {
            NumberOfEpochs = 100, Seed = 1, Streaming = true, StreamingBlockRows = 128,
        }).Fit(ml.Distillation.LoadBinaryShards(paths));
        var metrics = ml.BinaryClassification.Evaluate(student.Transform(split.TestSet));
        Assert.True(metrics.AreaUnderRocCurve > 0.97, $"student AUC {metrics.AreaUnderRocCurve:F4}");
    }

    [Fact]
    public void Shards_that_do_not_match_are_refused_naming_the_file_and_column()
    {
        var ml = new MLContext(0);
        var digits = TestData.KeyedDigits(ml, 100);
        string good = Shard(ml, digits, 0, 50, "good.idv");

        // Another feature length.
        string narrow = Path.Combine(_folder, "narrow.idv");
        var definition = SchemaDefinition.Create(typeof(NarrowRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 32);
        definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), 10);
        ml.Distillation.SaveBinaryShard(ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(_ => new NarrowRow { Features = new float[32], Label = 1 }), definition), narrow);
        var error = Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadBinaryShards(good, narrow));
        Assert.Contains("narrow.idv", error.Message);
        Assert.Contains("Features", error.Message);

        // The same key type, but the keys name the classes in reverse.
        string relabelled = Path.Combine(_folder, "relabelled.idv");
        var text = ml.Transforms.Conversion.MapKeyToValue("Label").Fit(digits).Transform(digits);
        var reversedOrder = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Reverse().Select(d => new TextLabel { Label = d.ToString() }));
        var reversed = ml.Transforms.Conversion.MapValueToKey("Label", keyData: reversedOrder).Fit(text).Transform(text);
        ml.Distillation.SaveBinaryShard(reversed, relabelled);
        var keys = Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadBinaryShards(good, relabelled));
        Assert.Contains("'Label'", keys.Message);
        Assert.Contains("relabelled.idv", keys.Message);

        string missing = Path.Combine(_folder, "missing.idv");
        Assert.Contains("missing.idv", Assert.Throws<FileNotFoundException>(() => ml.Distillation.LoadBinaryShards(good, missing)).Message);
        string text2 = Path.Combine(_folder, "notes.idv");
        File.WriteAllText(text2, "not a binary file");
        Assert.Contains("notes.idv", Assert.Throws<InvalidDataException>(() => ml.Distillation.LoadBinaryShards(text2)).Message);
        Assert.Throws<ArgumentException>(() => ml.Distillation.LoadBinaryShards());
        Assert.Contains("is a folder", Assert.Throws<ArgumentException>(() => ml.Distillation.LoadBinaryShards(_folder)).Message);
    }

    [Fact]
    public void A_shard_whose_source_fails_midway_leaves_no_file()
    {
        var ml = new MLContext(0);
        var digits = TestData.KeyedDigits(ml, 100);
        var failing = ml.Transforms.CustomMapping<RowIn, RowOut>((i, o) => o.Check = i.Features[0] > 1e9f ? 1 : throw new InvalidOperationException("source failed"), contractName: null)
            .Fit(digits).Transform(digits);
        string path = Path.Combine(_folder, "partial.idv");
        Assert.ThrowsAny<Exception>(() => ml.Distillation.SaveBinaryShard(failing, path));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    private sealed class NarrowRow
    {
        public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }

    private sealed class TextLabel
    {
        public string Label { get; set; } = "";
    }

    private sealed class RowIn
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
    }

    private sealed class RowOut
    {
        public float Check { get; set; }
    }
}
