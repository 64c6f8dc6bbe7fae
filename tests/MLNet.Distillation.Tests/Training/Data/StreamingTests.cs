using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training.Data;

/// <summary>Options.Streaming: blocks read from the data view on every epoch, against the same training held in memory.</summary>
public sealed class StreamingTests
{
    private static Teacher CnnTeacher() => Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });

    private static DistillationMulticlassTrainer.Options Digits(bool streaming, int blockRows = 65_536, string? teacher = DefaultColumnNames.TeacherLogits, int seed = 3) => new()
    {
        TeacherColumnName = teacher,
        Student = new MlpStudent { HiddenLayers = [32] },
        NumberOfEpochs = 12,
        BatchSize = 64,
        LearningRate = 5e-3f,
        Seed = seed,
        Streaming = streaming,
        StreamingBlockRows = blockRows,
        // Streaming leaves a core to its reader unless told; the bits of a student depend on libtorch's thread count.
        NumberOfThreads = 1,
    };

    [Fact]
    public void Streaming_leaves_the_reader_a_core_and_gives_libtorch_its_threads_back()
    {
        Assert.Equal(Math.Max(1, Math.Min(8, Environment.ProcessorCount - 1)), StreamingTrainingData.TrainingThreads(8));
        Assert.Equal(1, StreamingTrainingData.TrainingThreads(1));
        int before = TorchSharp.torch.get_num_threads();
        var ml = new MLContext(0);
        var options = Digits(streaming: true, teacher: null);
        options.NumberOfThreads = null;
        options.NumberOfEpochs = 1;
        ml.MulticlassClassification.Trainers.Distillation(options).Fit(TestData.KeyedDigits(ml, 200));
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public void One_block_from_a_source_that_cannot_shuffle_trains_the_in_memory_student_bit_for_bit()
    {
        // One block holding every row, read in the source's order and shuffled with the epoch's seed: exactly the in-memory
        // training (same standardisation, same teacher outputs, same batches).
        var ml = new MLContext(0);
        using var teacher = CnnTeacher();
        var scored = ml.Transforms.TeacherScore(teacher).Fit(TestData.KeyedDigits(ml, 500)).Transform(TestData.KeyedDigits(ml, 500));
        var source = new PassCountingDataView(scored, canShuffle: false);
        var inMemory = ml.MulticlassClassification.Trainers.Distillation(Digits(streaming: false)).Fit(source);
        int before = source.Passes;
        var streamed = ml.MulticlassClassification.Trainers.Distillation(Digits(streaming: true)).Fit(source);

        Assert.Equal(TestData.Column(inMemory.Transform(scored), "Score"), TestData.Column(streamed.Transform(scored), "Score"));
        // The pass before training, then one pass per epoch.
        Assert.Equal(1 + 12, source.Passes - before);
    }

    [Fact]
    public void Regression_targets_are_standardised_the_same_way_when_streamed()
    {
        var ml = new MLContext(0);
        var source = new PassCountingDataView(TestData.Concrete(ml), canShuffle: false);
        DistillationRegressionTrainer.Options Options(bool streaming) => new()
        {
            TeacherColumnName = null, NumberOfEpochs = 5, BatchSize = 64, Seed = 2, Streaming = streaming, NumberOfThreads = 1,
        };
        var inMemory = ml.Regression.Trainers.Distillation(Options(false)).Fit(source);
        var streamed = ml.Regression.Trainers.Distillation(Options(true)).Fit(source);
        Assert.Equal(TestData.Scalars(inMemory.Transform(source), "Score"), TestData.Scalars(streamed.Transform(source), "Score"));
    }

    [Fact]
    public void Small_blocks_from_a_shuffling_file_learn_as_well_as_memory_and_repeat_bit_for_bit()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 1200);
        var test = TestData.KeyedDigits(ml, 500, skip: 1200);
        string file = Path.Combine(Path.GetTempPath(), $"digits-{Guid.NewGuid():N}.idv");
        try
        {
            using (var stream = File.Create(file))
                ml.Data.SaveAsBinary(train, stream);
            var fromFile = ml.Data.LoadFromBinary(file);
            Assert.True(fromFile.CanShuffle);

            double Accuracy(ITransformer model) => ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
            var inMemory = ml.MulticlassClassification.Trainers.Distillation(Digits(streaming: false, teacher: null)).Fit(fromFile);
            var streamed = ml.MulticlassClassification.Trainers.Distillation(Digits(streaming: true, blockRows: 300, teacher: null)).Fit(fromFile);
            var again = ml.MulticlassClassification.Trainers.Distillation(Digits(streaming: true, blockRows: 300, teacher: null)).Fit(ml.Data.LoadFromBinary(file));

            Assert.InRange(Accuracy(streamed), Accuracy(inMemory) - 0.03, 1.0);
            Assert.Equal(TestData.Column(streamed.Transform(test), "Score"), TestData.Column(again.Transform(test), "Score"));
            Assert.Equal(12, streamed.TrainingHistory.Count);
            Assert.Equal(12L * 1200, streamed.Profile.SamplesTrained);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Held_out_rows_are_about_the_fraction_and_the_same_on_every_run()
    {
        var ml = new MLContext(0);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains(" validation rows")) messages.Add(e.Message); };
        var data = TestData.KeyedDigits(ml, 1000);
        var options = Digits(streaming: true, blockRows: 256, teacher: null);
        options.ValidationFraction = 0.2f;
        options.NumberOfEpochs = 3;
        var first = ml.MulticlassClassification.Trainers.Distillation(options).Fit(data);
        var second = ml.MulticlassClassification.Trainers.Distillation(options).Fit(data);

        var validationRows = messages.Select(m => int.Parse(System.Text.RegularExpressions.Regex.Match(m, @"\((\d+) validation rows").Groups[1].Value)).ToList();
        Assert.Equal(2, validationRows.Count);
        Assert.Equal(validationRows[0], validationRows[1]);
        Assert.InRange(validationRows[0], 150, 250); // 20 % of 1,000, by a hash of each row id
        Assert.All(first.TrainingHistory, e => Assert.NotNull(e.ValidationAccuracy));
        Assert.Equal(first.TrainingHistory.Select(e => e.ValidationLoss), second.TrainingHistory.Select(e => e.ValidationLoss));
    }

    [Fact]
    public void A_label_sorted_source_that_cannot_shuffle_is_reported_and_a_shuffled_one_is_not()
    {
        var ml = new MLContext(0);
        var digits = TestData.KeyedDigits(ml, 1200);
        var labels = TestData.Keys(digits, "Label");
        var byLabel = Enumerable.Range(0, labels.Length).OrderBy(i => labels[i]).ToArray();

        List<string> Warnings(IDataView data)
        {
            var warnings = new List<string>();
            var context = new MLContext(0);
            context.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
            var options = Digits(streaming: true, blockRows: 200, teacher: null);
            options.NumberOfEpochs = 1;
            context.MulticlassClassification.Trainers.Distillation(options).Fit(data);
            return warnings;
        }

        var sorted = new PassCountingDataView(TestData.Rows(ml, digits, byLabel), canShuffle: false);
        Assert.Contains(Warnings(sorted), w => w.Contains("cannot shuffle") && w.Contains("'Label'") && w.Contains("LoadFromBinary"));
        Assert.DoesNotContain(Warnings(new PassCountingDataView(digits, canShuffle: false)), w => w.Contains("cannot shuffle"));
    }

    [Fact]
    public void A_bad_value_in_a_later_block_is_named_with_its_row()
    {
        var ml = new MLContext(0);
        var rows = Enumerable.Range(0, 700).Select(i => new Row { Features = [i % 7, i % 3, 1], Label = i % 2 == 0 }).ToList();
        rows[612].Features[1] = float.NaN;
        var data = ml.Data.LoadFromEnumerable(rows);
        var error = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 1, Streaming = true, StreamingBlockRows = 100,
        }).Fit(data));
        Assert.Contains("'Features'", error.Message);
        Assert.Contains("row 612", error.Message);
    }

    [Fact]
    public void A_source_whose_row_ids_move_between_passes_cannot_leak_validation_rows()
    {
        var ml = new MLContext(0);
        var options = Digits(streaming: true, blockRows: 128, teacher: null);
        options.ValidationFraction = 0.2f;
        options.NumberOfEpochs = 2;
        // Row ids are positions, and every pass after the first reads the rows backwards: the ids name other rows.
        var digits = TestData.KeyedDigits(ml, 400);
        var forwards = TestData.Rows(ml, digits, Enumerable.Range(0, 400).ToArray());
        var backwards = TestData.Rows(ml, digits, Enumerable.Range(0, 400).Reverse().ToArray());
        Assert.Equal(TestData.Keys(digits, "Label"), TestData.Keys(forwards, "Label")); // the helper keeps every label
        var error = Assert.Throws<InvalidOperationException>(() =>
            ml.MulticlassClassification.Trainers.Distillation(options).Fit(new SwitchingDataView(forwards, backwards)));
        Assert.Contains("held out for validation", error.Message);
        Assert.Contains("epoch 1", error.Message);
    }

    [Fact]
    public void A_source_whose_rows_change_after_the_first_epoch_is_refused_without_a_validation_share()
    {
        var ml = new MLContext(0);
        var options = new DistillationBinaryTrainer.Options { TeacherColumnName = null, NumberOfEpochs = 3, Streaming = true, StreamingBlockRows = 100, Seed = 1 };
        // The pass before training and epoch 1 read these rows; from epoch 2 on, one value of row 612 differs (as many rows as before, so the count alone cannot tell). No row is held out for validation.
        var rows = Enumerable.Range(0, 700).Select(i => new Row { Features = [i % 7, i % 3, 1], Label = i % 2 == 0 }).ToList();
        var changed = rows.Select(r => new Row { Features = r.Features.ToArray(), Label = r.Label }).ToList();
        changed[612].Features[1] += 1;
        var error = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Distillation(options)
            .Fit(new SwitchingDataView(ml.Data.LoadFromEnumerable(rows), ml.Data.LoadFromEnumerable(changed), switchAfter: 2)));
        Assert.Contains("changed while streaming", error.Message);
        Assert.Contains("epoch 2", error.Message);
        Assert.Contains("'Features'", error.Message);
        Assert.Contains("'Label'", error.Message);

        // The same rows in another order on every pass are the same rows: no error.
        var reversed = Enumerable.Reverse(rows).ToList();
        ml.BinaryClassification.Trainers.Distillation(options)
            .Fit(new SwitchingDataView(ml.Data.LoadFromEnumerable(rows), ml.Data.LoadFromEnumerable(reversed), switchAfter: 2));
    }

    [Fact]
    public void A_cancelled_token_stops_a_streamed_fit()
    {
        var ml = new MLContext(0);
        using var cancel = new CancellationTokenSource();
        var options = Digits(streaming: true, blockRows: 128, teacher: null);
        options.NumberOfEpochs = 50;
        options.CancellationToken = cancel.Token;
        options.Progress = new SynchronousProgress<EpochReport>(report => { if (report.Epoch == 2) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.Distillation(options).Fit(TestData.KeyedDigits(ml, 600)));
    }

    [Fact]
    public void Streaming_block_rows_must_be_positive()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(0).MulticlassClassification.Trainers.Distillation(
            new DistillationMulticlassTrainer.Options { StreamingBlockRows = 0 }));
        Assert.Contains("StreamingBlockRows", error.Message);
    }

    /// <summary>Serves the first view's cursor on the first <paramref name="switchAfter"/> passes and the second view's on every later pass.</summary>
    private sealed class SwitchingDataView(IDataView first, IDataView later, int switchAfter = 1) : IDataView
    {
        private int _passes;
        public bool CanShuffle => false;
        public DataViewSchema Schema => first.Schema;
        public long? GetRowCount() => first.GetRowCount();
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var view = Interlocked.Increment(ref _passes) <= switchAfter ? first : later;
            return view.GetRowCursor(columnsNeeded.Select(c => view.Schema[c.Index]));
        }
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded)];
    }

    private sealed class Row
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
