using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Runtime;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>
/// Sparse features end to end: a student trained on the non-zeros equals the same student trained on the dense rows (to
/// float rounding), a text pipeline (FeaturizeText → teacher → student) trains without densifying, saves, reloads and
/// scores the same, and the exported graph reads (slot, value) pairs.
/// </summary>
public sealed class SparseFeaturesTests
{
    private const int Width = 300;

    public sealed class SparseRow
    {
        [VectorType(Width)] public VBuffer<float> Features;
        public bool Label;
        [VectorType(1)] public float[] TeacherLogits = [0];
    }

    /// <summary>
    /// 96 rows of 300 slots with 6–14 non-zeros each; the label follows the sign of a fixed sparse weighting. Every slot is
    /// non-zero in some row, so a full batch touches every row of the sparse layer's table.
    /// </summary>
    private static List<SparseRow> Rows(int count = 96, int seed = 3)
    {
        var random = new Random(seed);
        var truth = Enumerable.Range(0, Width).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var rows = new List<SparseRow>();
        for (int r = 0; r < count; r++)
        {
            var slots = new SortedSet<int> { (r * 7) % Width, (r * 7 + 1) % Width, (r * 7 + 2) % Width };
            while (slots.Count < 6 + r % 9)
                slots.Add(random.Next(Width));
            var indices = slots.ToArray();
            var values = indices.Select(_ => (float)random.NextDouble()).ToArray();
            double score = indices.Select((s, k) => truth[s] * values[k]).Sum();
            rows.Add(new SparseRow { Features = new VBuffer<float>(Width, indices.Length, values, indices), Label = score > 0, TeacherLogits = [(float)(3 * score)] });
        }
        return rows;
    }

    private static DistillationBinaryTrainer.Options Options(bool? sparse, int batch, bool standardize = false) => new()
    {
        TeacherColumnName = null,
        // Dense inputs are centred and scaled, sparse ones only scaled: compared unstandardised, the two compute the same function.
        Student = new MlpStudent { HiddenLayers = [8], StandardizeInputs = standardize },
        NumberOfEpochs = 15,
        BatchSize = batch,
        LearningRate = 1e-2f,
        WeightDecay = 1e-2f,
        Seed = 5,
        SparseFeatures = sparse,
        AutomaticEarlyStopping = false,
    };

    [Fact]
    public void Sparse_training_equals_dense_training_when_every_batch_touches_every_slot()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(Rows());
        // One batch of all rows: lazy and dense AdamW then update the same rows with the same gradients.
        var dense = ml.BinaryClassification.Trainers.Distillation(Options(false, 96)).Fit(data);
        var sparse = ml.BinaryClassification.Trainers.Distillation(Options(true, 96)).Fit(data);
        Assert.Null(dense.Model.SparsePairs);
        Assert.NotNull(sparse.Model.SparsePairs);
        var a = TestData.Scalars(dense.Transform(data), "Score");
        var b = TestData.Scalars(sparse.Transform(data), "Score");
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * Math.Max(1, Math.Abs(a[i])), $"row {i}: dense {a[i]}, sparse {b[i]}");
        Assert.Equal(dense.ParameterCount, sparse.ParameterCount);
    }

    [Fact]
    public void Text_pipeline_trains_sparse_saves_reloads_and_exports_pairs()
    {
        var ml = new MLContext(0);
        var texts = TextRows();
        var data = ml.Data.LoadFromEnumerable(texts);
        var featurize = ml.Transforms.Text.FeaturizeText("Features", "Text");
        var featurized = featurize.Fit(data).Transform(data);
        var teacher = ml.BinaryClassification.Trainers.SdcaLogisticRegression().Fit(featurized);
        var pipeline = featurize
            .Append(ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher)))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
            {
                Student = new MlpStudent { HiddenLayers = [16], InputDropout = 0.1f }, NumberOfEpochs = 20, Seed = 2, SparseFeatures = true,
            }));
        var model = pipeline.Fit(data);
        var student = model.LastTransformer;
        Assert.NotNull(student.Model.SparsePairs);

        var scored = TestData.Scalars(model.Transform(data), "Score");
        var path = Path.Combine(Path.GetTempPath(), $"sparse-student-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var fresh = new MLContext(1);
            var reloaded = StudentModelLoader.Load(fresh, path, out _);
            Assert.Equal(scored, TestData.Scalars(reloaded.Transform(fresh.Data.LoadFromEnumerable(texts)), "Score"));
        }
        finally { File.Delete(path); }

        // The batch export reads padded pairs: score every row through ONNX Runtime and compare with ML.NET.
        using var session = new InferenceSession(student.ToOnnx());
        // GetColumn hands out one reused buffer: copy each row.
        var rows = model.Transform(data).GetColumn<VBuffer<float>>("Features").Select(v =>
        {
            VBuffer<float> copy = default;
            v.CopyTo(ref copy);
            return copy;
        }).ToArray();
        int longest = rows.Max(r => r.GetValues().Length);
        var slots = new long[rows.Length * longest];
        var values = new float[rows.Length * longest];
        for (int r = 0; r < rows.Length; r++)
        {
            var indices = rows[r].GetIndices();
            var v = rows[r].GetValues();
            for (int k = 0; k < v.Length; k++)
            {
                slots[r * longest + k] = rows[r].IsDense ? k : indices[k];
                values[r * longest + k] = v[k];
            }
        }
        using var slotValue = OrtValue.CreateTensorValueFromMemory(slots, [rows.Length, longest]);
        using var valueValue = OrtValue.CreateTensorValueFromMemory(values, [rows.Length, longest]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [SparseFeaturePairs.SlotsColumn, SparseFeaturePairs.ValuesColumn], [slotValue, valueValue], ["Score"]);
        var onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        for (int r = 0; r < rows.Length; r++)
            Assert.True(Math.Abs(onnx[r] - scored[r]) <= 1e-4f * Math.Max(1, Math.Abs(scored[r])), $"row {r}: ONNX {onnx[r]}, ML.NET {scored[r]}");
    }

    public sealed class WideRow
    {
        [VectorType(5000)] public VBuffer<float> Features;
        public bool Label;
    }

    [Fact]
    public void Unset_option_keeps_a_wide_column_sparse_when_its_rows_come_sparse_and_dense_otherwise()
    {
        var ml = new MLContext(0);
        var rows = Rows().Select(r => new WideRow { Features = new VBuffer<float>(5000, r.Features.GetValues().Length, r.Features.GetValues().ToArray(), r.Features.GetIndices().ToArray()), Label = r.Label }).ToList();
        var options = Options(null, 32);
        options.NumberOfEpochs = 1;
        Assert.NotNull(ml.BinaryClassification.Trainers.Distillation(options).Fit(ml.Data.LoadFromEnumerable(rows)).Model.SparsePairs);
        var dense = rows.Select(r => new WideRow { Features = new VBuffer<float>(5000, r.Features.DenseValues().ToArray()), Label = r.Label }).ToList();
        Assert.Null(ml.BinaryClassification.Trainers.Distillation(options).Fit(ml.Data.LoadFromEnumerable(dense)).Model.SparsePairs);
        // A student that reads dense rows only keeps them dense; forcing sparse for it is refused, naming the option.
        options.Student = new CnnStudent { InputShape = [1, 50, 100] };
        options.SparseFeatures = true;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Distillation(options));
        Assert.Contains("SparseFeatures", error.Message);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 8 })]
    public void Linear_and_hidden_sparse_students_distil_twice_in_one_process(int[] hidden)
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(Rows());
        for (int run = 0; run < 2; run++)
        {
            var options = Options(true, 16);
            options.TeacherColumnName = run == 0 ? null : "TeacherLogits";
            options.Student = new MlpStudent { HiddenLayers = hidden, InputDropout = 0.1f, StandardizeInputs = true };
            var student = ml.BinaryClassification.Trainers.Distillation(options).Fit(data);
            Assert.True(ml.BinaryClassification.Evaluate(student.Transform(data)).AreaUnderRocCurve > 0.8);
        }
    }

    [Fact]
    public void Multiclass_mlp_students_take_table_wide_steps_by_default_fastText_per_weight_and_a_resume_is_bit_identical()
    {
        var ml = new MLContext(0);
        var raw = ml.Data.LoadFromEnumerable(Rows());
        var data = ml.Data.Cache(ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw));
        DistillationMulticlassTrainer.Options Multiclass(SparseFeatureStep? step, string? checkpoints = null, Action<EpochReport>? onEpoch = null) => new()
        {
            TeacherColumnName = null,
            Student = new MlpStudent { HiddenLayers = [], StandardizeInputs = false },
            NumberOfEpochs = 10, BatchSize = 16, LearningRate = 1e-2f, Seed = 5, SparseFeatures = true, AutomaticEarlyStopping = false,
            SparseFeatureStep = step, CheckpointDirectory = checkpoints,
            Progress = onEpoch is null ? null : new SynchronousProgress<EpochReport>(onEpoch),
        };
        byte[] Fit(DistillationMulticlassTrainer.Options options) => ml.MulticlassClassification.Trainers.Distillation(options).Fit(data).ToOnnx();

        var byDefault = Fit(Multiclass(null));
        Assert.Equal(Fit(Multiclass(SparseFeatureStep.TableWide)), byDefault);
        Assert.NotEqual(Fit(Multiclass(SparseFeatureStep.PerWeight)), byDefault);
        // fastText keeps per-weight steps (table-wide ones cost it 0.09 accuracy on Austen).
        DistillationMulticlassTrainer.Options FastText(SparseFeatureStep? step) => new()
        {
            TeacherColumnName = null, Student = new FastTextStudent { EmbeddingSize = 4 }, NumberOfEpochs = 3, BatchSize = 16, Seed = 5,
            SparseFeatures = true, AutomaticEarlyStopping = false, SparseFeatureStep = step,
        };
        var fastText = Fit(FastText(null));
        Assert.Equal(Fit(FastText(SparseFeatureStep.PerWeight)), fastText);
        Assert.NotEqual(Fit(FastText(SparseFeatureStep.TableWide)), fastText);

        // Stopped after epoch 4, then resumed from its checkpoint: the table's one-value second moment is restored with it.
        string folder = Directory.CreateTempSubdirectory("sparse-checkpoint-").FullName;
        try
        {
            using var source = new CancellationTokenSource();
            var stopped = Multiclass(null, folder, r => { if (r.Epoch == 4) source.Cancel(); });
            stopped.CancellationToken = source.Token;
            Assert.ThrowsAny<OperationCanceledException>(() => Fit(stopped));
            int epochsAfterResume = 0;
            Assert.Equal(byDefault, Fit(Multiclass(null, folder, _ => epochsAfterResume++)));
            Assert.Equal(6, epochsAfterResume);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Small_sparse_fits_hold_out_validation_rows_and_stop_early_unless_told_not_to()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(Rows(1200));
        var options = Options(true, 64);
        options.NumberOfEpochs = 60;
        options.AutomaticEarlyStopping = true;
        var automatic = ml.BinaryClassification.Trainers.Distillation(options).Fit(data);
        Assert.All(automatic.TrainingHistory, epoch => Assert.NotNull(epoch.ValidationLoss));
        Assert.True(automatic.TrainingHistory.Count < 60, $"ran all {automatic.TrainingHistory.Count} epochs");
        options.AutomaticEarlyStopping = false;
        var every = ml.BinaryClassification.Trainers.Distillation(options).Fit(data);
        Assert.All(every.TrainingHistory, epoch => Assert.Null(epoch.ValidationLoss));
        Assert.Equal(60, every.TrainingHistory.Count);
        // Dense features never get it.
        options.AutomaticEarlyStopping = true;
        options.SparseFeatures = false;
        Assert.All(ml.BinaryClassification.Trainers.Distillation(options).Fit(data).TrainingHistory, epoch => Assert.Null(epoch.ValidationLoss));
        // Nor do fits with fewer labelled rows than make a validation loss worth reading.
        options.SparseFeatures = true;
        options.NumberOfEpochs = 3;
        Assert.All(ml.BinaryClassification.Trainers.Distillation(options).Fit(ml.Data.LoadFromEnumerable(Rows(900))).TrainingHistory, epoch => Assert.Null(epoch.ValidationLoss));
    }

    [Fact]
    public void FastText_student_on_hashed_ngrams_distils_saves_reloads_and_exports_its_mean_embedding()
    {
        var ml = new MLContext(0);
        var texts = TextRows();
        var data = ml.Data.LoadFromEnumerable(texts);
        var hashed = ml.Transforms.HashedTextNgrams("Features", "Text", numberOfBits: 12);
        var featurized = hashed.Fit(data).Transform(data);
        Assert.Equal(2 << 12, ((VectorDataViewType)featurized.Schema["Features"].Type).Size);
        var teacher = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(featurized);
        var model = hashed.Append(ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher)))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
            {
                Student = new FastTextStudent { EmbeddingSize = 8 }, NumberOfEpochs = 30, LearningRate = 1e-2f, Seed = 3,
            })).Fit(data);
        var student = model.LastTransformer;
        Assert.Equal($"fastText {2 << 12}×8-1", student.Architecture);
        Assert.Equal((2 << 12) * 8 + 8 + 1, student.ParameterCount);
        var scored = model.Transform(data);
        Assert.True(ml.BinaryClassification.Evaluate(scored).AreaUnderRocCurve > 0.9);
        var path = Path.Combine(Path.GetTempPath(), $"fasttext-student-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var fresh = new MLContext(1);
            var reloaded = StudentModelLoader.Load(fresh, path, out _);
            Assert.Equal(TestData.Scalars(scored, "Score"), TestData.Scalars(reloaded.Transform(fresh.Data.LoadFromEnumerable(texts)), "Score"));
        }
        finally { File.Delete(path); }
        // A sparse student teaches the next one through its own ML.NET chain: its logits are the TeacherLogits.
        using var asTeacher = Teacher.FromStudent(student);
        var taught = ml.Transforms.TeacherScore(asTeacher).Fit(featurized).Transform(featurized);
        var logits = TestData.Column(taught, DefaultColumnNames.TeacherLogits).Select(v => v[0]).ToArray();
        var own = TestData.Scalars(student.Transform(featurized), "Score");
        for (int i = 0; i < own.Length; i++)
            Assert.Equal(own[i], logits[i], 1e-4f);
    }

    [Fact]
    public void Regression_trains_on_sparse_rows_and_pruning_and_quantization_refuse_them_by_name()
    {
        var ml = new MLContext(0);
        var rows = Rows();
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new RegressionRow { Features = r.Features, Label = r.TeacherLogits[0] }).ToList());
        var options = new DistillationRegressionTrainer.Options
        {
            TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [] }, SparseFeatures = true, NumberOfEpochs = 200, LearningRate = 2e-2f,
            BatchSize = 96, Seed = 1, AutomaticEarlyStopping = false,
        };
        var student = ml.Regression.Trainers.Distillation(options).Fit(data);
        Assert.NotNull(student.Model.SparsePairs);
        // The label is a fixed sparse weighting of the features: a linear student learns it on the training rows.
        Assert.True(ml.Regression.Evaluate(student.Transform(data)).RSquared > 0.9, $"R² {ml.Regression.Evaluate(student.Transform(data)).RSquared}");
        Assert.Contains("sparse features", Assert.Throws<ArgumentException>(() => ml.Distillation.Quantize(student)).Message);
        Assert.Contains("sparse features", Assert.Throws<ArgumentException>(() => ml.Distillation.Prune(student, data, options)).Message);
    }

    public sealed class RegressionRow
    {
        [VectorType(Width)] public VBuffer<float> Features;
        public float Label;
    }

    [Fact]
    public void Streaming_reads_sparse_rows_block_by_block_and_equals_memory_when_one_block_holds_them_all()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var inMemory = ml.BinaryClassification.Trainers.Distillation(Options(true, 32)).Fit(data);
        var options = Options(true, 32);
        options.Streaming = true;
        options.StreamingBlockRows = 1000; // one block: the same rows, shuffled the same way, as in memory
        options.NumberOfThreads = Environment.ProcessorCount; // streaming leaves a core to the reader; memory used all
        var streamed = ml.BinaryClassification.Trainers.Distillation(options).Fit(data);
        Assert.Equal(inMemory.Model.SparsePairs, streamed.Model.SparsePairs);
        Assert.Equal(TestData.Scalars(inMemory.Transform(data), "Score"), TestData.Scalars(streamed.Transform(data), "Score"));
        options.StreamingBlockRows = 40; // three blocks
        var blocks = ml.BinaryClassification.Trainers.Distillation(options).Fit(data);
        Assert.True(ml.BinaryClassification.Evaluate(blocks.Transform(data)).AreaUnderRocCurve > 0.8);
    }

    [Fact]
    public void A_row_with_more_non_zeros_than_the_saved_student_reads_is_refused_naming_the_limit()
    {
        var ml = new MLContext(0);
        var train = ml.Data.LoadFromEnumerable(Rows());
        var options = Options(true, 32);
        options.MaximumNonZerosPerRow = 10;
        var student = ml.BinaryClassification.Trainers.Distillation(options).Fit(train);
        Assert.Equal(256, student.Model.SparsePairs);
        var wide = new SparseRow { Features = new VBuffer<float>(Width, Enumerable.Repeat(1f, Width).ToArray()), Label = true };
        var error = Assert.ThrowsAny<Exception>(() => TestData.Scalars(student.Transform(ml.Data.LoadFromEnumerable([wide])), "Score"));
        Assert.Contains("more than 256 non-zero values", Flatten(error));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);

    public sealed class TextRow
    {
        public string Text = "";
        public bool Label;
    }

    /// <summary>Short reviews, half of them positive; the wording differs from row to row so the n-grams do.</summary>
    private static List<TextRow> TextRows()
    {
        string[] good = ["great taste", "delicious and fresh", "my kids love it", "excellent value", "best coffee I have had", "would buy again", "wonderful flavour", "perfect snack"];
        string[] bad = ["stale and bland", "arrived broken", "tastes awful", "waste of money", "too salty to eat", "never again", "the worst tea", "smells off"];
        var random = new Random(1);
        var rows = new List<TextRow>();
        for (int i = 0; i < 120; i++)
        {
            bool positive = i % 2 == 0;
            var words = positive ? good : bad;
            rows.Add(new TextRow { Text = $"{words[random.Next(words.Length)]}, {words[random.Next(words.Length)]}. Item {i}.", Label = positive });
        }
        return rows;
    }
}
