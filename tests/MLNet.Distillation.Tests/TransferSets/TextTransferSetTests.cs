using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.TransferSets;

/// <summary>
/// Text transfer sets (<c>AugmentText</c>, <c>AppendUnlabelledText</c>): the copies on real sentences, duplicates dropped,
/// the label missing as each label type can be and as the trainer reads it, and the options and columns refused by name.
/// </summary>
public sealed class TextTransferSetTests
{
    private sealed class Review
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    private sealed class TextLabelled
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class Scored
    {
        public string Text { get; set; } = "";
        public float Label { get; set; }
        public double Weight { get; set; }
    }

    // A dozen real sentences of the kind SST-2 holds (film reviews), with their sentiment.
    private static readonly (string Text, bool Positive)[] Reviews =
    [
        ("The film is a charming, funny and often moving portrait of a family in crisis.", true),
        ("A tedious, overlong mess that never finds its footing.", false),
        ("The performances are uniformly excellent, and the script crackles with wit.", true),
        ("I kept checking my watch during the second hour.", false),
        ("Its visual style is striking, even when the story falters.", true),
        ("The dialogue is clumsy and the jokes fall flat.", false),
        ("A warm, generous comedy that earns every one of its laughs.", true),
        ("Nothing in this sequel justifies its existence.", false),
        ("The director handles the quiet moments with great care.", true),
        ("By the end I no longer cared what happened to anyone on screen.", false),
        ("The soundtrack is lovely and the photography is gorgeous.", true),
        ("It is the kind of movie that feels longer than it is.", false),
    ];

    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(Reviews.Select(r => new Review { Text = r.Text, Label = r.Positive }).ToList());

    private static IDataView TextLabels(MLContext ml) => ml.Data.LoadFromEnumerable(Reviews.Select(r => new TextLabelled { Text = r.Text, Label = r.Positive ? "positive" : "negative" }).ToList());

    private static string[] Texts(IDataView view, string name = "Text")
    {
        var column = view.Schema[name];
        var result = new List<string>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext()) { getter(ref value); result.Add(value.ToString()); }
        return result.ToArray();
    }

    private static bool[] Flags(IDataView view, string name = "IsPseudoRow")
    {
        var column = view.Schema[name];
        var result = new List<bool>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<bool>(column);
        bool value = false;
        while (cursor.MoveNext()) { getter(ref value); result.Add(value); }
        return result.ToArray();
    }

    [Fact]
    public void Copies_of_real_sentences_follow_the_rules_and_repeat_with_the_seed()
    {
        var ml = new MLContext(0);
        var options = new TextAugmentationOptions { Seed = 3 };
        var augmented = ml.Distillation.AugmentText(Data(ml), options);
        var texts = Texts(augmented);
        var labels = TestData.Scalars(augmented, "Label");
        var pseudo = Flags(augmented);

        // The originals first, unchanged, labels kept (a Boolean label becomes Single 0/1); then the copies, without label.
        Assert.Equal(Reviews.Select(r => r.Text), texts.Take(12));
        Assert.Equal(Reviews.Select(r => r.Positive ? 1f : 0f), labels.Take(12));
        Assert.Equal(NumberDataViewType.Single, augmented.Schema["Label"].Type);
        Assert.All(pseudo.Take(12), Assert.False);
        Assert.All(pseudo.Skip(12), Assert.True);
        Assert.All(labels.Skip(12), l => Assert.True(float.IsNaN(l)));
        // Up to ten copies per sentence; these sentences are long enough that few repeat.
        Assert.InRange(texts.Length - 12, 100, 120);

        var vocabulary = Reviews.SelectMany(r => SentenceAugmenter.Words(r.Text)).ToHashSet();
        var originals = Reviews.Select(r => string.Join(' ', SentenceAugmenter.Words(r.Text))).ToHashSet();
        Assert.Equal(texts.Length, texts.Distinct().Count()); // no copy repeats another or an original
        foreach (var copy in texts.Skip(12))
        {
            Assert.DoesNotContain(copy, originals);
            // Every word is the mask or a word of the data (kept in place or drawn from the vocabulary).
            Assert.All(SentenceAugmenter.Words(copy), w => Assert.True(w == "[MASK]" || vocabulary.Contains(w), $"'{w}' in '{copy}'"));
        }
        int cut = texts.Skip(12).Count(t => SentenceAugmenter.Words(t).Length <= 5);
        Assert.InRange(cut, 10, 60); // p_ng 0.25 of about 120 copies

        Assert.Equal(texts, Texts(ml.Distillation.AugmentText(Data(ml), options)));
        Assert.Equal(texts, Texts(new MLContext(99).Distillation.AugmentText(Data(ml), options))); // the options' seed, not the context's
        options.Seed = 4;
        Assert.NotEqual(texts, Texts(ml.Distillation.AugmentText(Data(ml), options)));
    }

    [Fact]
    public void N_gram_sampling_alone_gives_each_shorter_n_gram_once()
    {
        // "the cat sat" with masking and replacement off and p_ng 1: n = 1 or 2 gives one of five n-grams; n ≥ 3 keeps the
        // whole sentence, which equals the original and is dropped. 200 draws find all five, each kept once.
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(new[] { new Review { Text = "the  cat sat", Label = true } });
        var options = new TextAugmentationOptions { MaskProbability = 0, ReplacementProbability = 0, NGramProbability = 1, Multiplier = 200, IncludeOriginal = false };
        Assert.Equal(["cat", "cat sat", "sat", "the", "the cat"], Texts(ml.Distillation.AugmentText(data, options)).Order());

        // Kept, every copy comes out: exactly the multiplier, the whole sentence (white space normalised) among them.
        options.DropDuplicates = false;
        var all = Texts(ml.Distillation.AugmentText(data, options));
        Assert.Equal(200, all.Length);
        Assert.Equal(["cat", "cat sat", "sat", "the", "the cat", "the cat sat"], all.Distinct().Order());
    }

    [Fact]
    public void A_copy_that_keeps_no_word_of_its_source_is_dropped()
    {
        var ml = new MLContext(0);
        var options = new TextAugmentationOptions { MaskProbability = 1, ReplacementProbability = 0, NGramProbability = 0, Multiplier = 3 };
        Assert.Equal(Reviews.Select(r => r.Text), Texts(ml.Distillation.AugmentText(Data(ml), options)));
        options.DropDuplicates = false;
        options.IncludeOriginal = false;
        var masked = Texts(ml.Distillation.AugmentText(Data(ml), options));
        Assert.Equal(36, masked.Length);
        Assert.All(masked, t => Assert.All(t.Split(' '), w => Assert.Equal("[MASK]", w)));
    }

    [Fact]
    public void An_empty_sentence_has_no_copies_and_leaves_the_other_rows_copies_as_they_were()
    {
        var ml = new MLContext(0);
        var options = new TextAugmentationOptions { Multiplier = 5, Seed = 2 };
        var one = ml.Data.LoadFromEnumerable(new[] { new Review { Text = Reviews[0].Text, Label = true } });
        var withEmpty = ml.Data.LoadFromEnumerable(new[] { new Review { Text = " ", Label = false }, new Review { Text = Reviews[0].Text, Label = true } });
        var copies = Texts(ml.Distillation.AugmentText(one, options)).Skip(1);
        var texts = Texts(ml.Distillation.AugmentText(withEmpty, options));
        Assert.Equal(" ", texts[0]); // the original is kept as it was
        Assert.Equal(copies, texts.Skip(2));
    }

    [Fact]
    public void A_key_label_keeps_its_classes_and_copies_get_key_zero()
    {
        var ml = new MLContext(0);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TextLabels(ml)).Transform(TextLabels(ml));
        var augmented = ml.Distillation.AugmentText(keyed, new TextAugmentationOptions { Multiplier = 2, Seed = 1 });
        var keys = TestData.Keys(augmented, "Label");
        var pseudo = Flags(augmented);

        Assert.Equal(keyed.Schema["Label"].Type, augmented.Schema["Label"].Type);
        Assert.Equal(TestData.Keys(keyed, "Label"), keys.Where((_, i) => !pseudo[i]));
        Assert.All(keys.Where((_, i) => pseudo[i]), k => Assert.Equal(0u, k));
        VBuffer<ReadOnlyMemory<char>> names = default;
        augmented.Schema["Label"].GetKeyValues(ref names);
        Assert.Equal(["positive", "negative"], names.DenseValues().Select(n => n.ToString()));
    }

    [Fact]
    public void A_text_label_stays_text_and_its_empty_value_maps_to_a_missing_key()
    {
        var ml = new MLContext(0);
        var augmented = ml.Distillation.AugmentText(TextLabels(ml), new TextAugmentationOptions { Multiplier = 2, Seed = 1 });
        var labels = Texts(augmented, "Label");
        var pseudo = Flags(augmented);
        Assert.Equal(Reviews.Select(r => r.Positive ? "positive" : "negative"), labels.Take(12));
        Assert.All(labels.Where((_, i) => pseudo[i]), l => Assert.Equal("", l));

        // MapValueToKey fitted on the transfer set itself: two classes, and the copies' empty label is key 0, no label.
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(augmented).Transform(augmented);
        Assert.Equal(2UL, Assert.IsType<KeyDataViewType>(keyed.Schema["Label"].Type).Count);
        var keys = TestData.Keys(keyed, "Label");
        Assert.All(keys.Where((_, i) => pseudo[i]), k => Assert.Equal(0u, k));
        Assert.All(keys.Where((_, i) => !pseudo[i]), k => Assert.InRange(k, 1u, 2u));
    }

    [Fact]
    public void The_binary_trainer_reads_the_copies_as_unlabelled_rows_the_teacher_labels()
    {
        // Tiny on purpose: the teacher is a linear model on the twelve featurised reviews; the student sees them and the
        // copies, and reports how many rows had no label.
        var ml = new MLContext(0);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var augmented = ml.Distillation.AugmentText(Data(ml), new TextAugmentationOptions { Multiplier = 3, Seed = 1 });
        int copies = Flags(augmented).Count(f => f);
        var featurize = ml.Transforms.Text.FeaturizeText("Features", "Text").Fit(augmented);
        var teacher = ml.BinaryClassification.Trainers.SdcaLogisticRegression(maximumNumberOfIterations: 20).Fit(featurize.Transform(Data(ml)));

        ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { NumberOfEpochs = 2, Seed = 1 }))
            .Fit(featurize.Transform(augmented));
        Assert.Contains(messages, m => m.Contains($"{copies} of {12 + copies} rows have no label"));
    }

    [Fact]
    public void Unlabelled_sentences_append_to_labelled_rows_and_can_be_augmented_too()
    {
        var ml = new MLContext(0);
        string[] unlabelled = ["A slow burn that rewards patience.", "The plot makes no sense at all."];
        var appended = ml.Distillation.AppendUnlabelledText(Data(ml), unlabelled);
        Assert.Equal(Reviews.Select(r => r.Text).Concat(unlabelled), Texts(appended));
        var labels = TestData.Scalars(appended, "Label");
        Assert.Equal(Reviews.Select(r => r.Positive ? 1f : 0f), labels.Take(12));
        Assert.All(labels.Skip(12), l => Assert.True(float.IsNaN(l)));
        Assert.Null(appended.Schema.GetColumnOrNull("IsPseudoRow")); // real sentences, not pseudo-rows

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TextLabels(ml)).Transform(TextLabels(ml));
        Assert.Equal([0u, 0u], TestData.Keys(ml.Distillation.AppendUnlabelledText(keyed, unlabelled), "Label").Skip(12));

        // Augmenting the combined rows: the unlabelled originals stay without label, and their copies too.
        var augmented = ml.Distillation.AugmentText(appended, new TextAugmentationOptions { Multiplier = 2 });
        Assert.Equal(12, TestData.Scalars(augmented, "Label").Count(l => !float.IsNaN(l)));
        Assert.Contains(Texts(augmented).Skip(14), t => t.Contains("patience") || t.Contains("plot"));
    }

    [Fact]
    public void Options_out_of_range_are_refused_naming_the_option()
    {
        var ml = new MLContext(0);
        void Refused<T>(string option, TextAugmentationOptions options) where T : ArgumentException
            => Assert.Contains(option, Assert.Throws<T>(() => ml.Distillation.AugmentText(Data(ml), options)).Message);

        Refused<ArgumentOutOfRangeException>("Multiplier", new() { Multiplier = 0 });
        Refused<ArgumentOutOfRangeException>("MaskProbability", new() { MaskProbability = -0.1 });
        Refused<ArgumentOutOfRangeException>("MaskProbability", new() { MaskProbability = double.NaN });
        Refused<ArgumentOutOfRangeException>("ReplacementProbability", new() { ReplacementProbability = 1.5 });
        Refused<ArgumentOutOfRangeException>("NGramProbability", new() { NGramProbability = 2 });
        Refused<ArgumentOutOfRangeException>("must not exceed 1", new() { MaskProbability = 0.6, ReplacementProbability = 0.6 });
        Refused<ArgumentOutOfRangeException>("MaximumNGramLength", new() { MaximumNGramLength = 0 });
        Refused<ArgumentException>("MaskToken", new() { MaskToken = "[ MASK ]" });
        Refused<ArgumentException>("MaskToken", new() { MaskToken = "" });
        Refused<ArgumentOutOfRangeException>("MaximumRows", new() { MaximumRows = 0 });
        Refused<ArgumentException>("MaximumRows", new() { MaximumRows = 11 }); // twelve rows
        Refused<ArgumentException>("LabelColumnName", new() { LabelColumnName = "Text" });
    }

    [Fact]
    public void Columns_it_cannot_use_are_refused_naming_the_column()
    {
        var ml = new MLContext(0);
        var scored = ml.Data.LoadFromEnumerable(new[] { new Scored { Text = "fine", Label = 1, Weight = 2 } });
        string Message(IDataView data, TextAugmentationOptions options) => Assert.Throws<ArgumentException>(() => ml.Distillation.AugmentText(data, options)).Message;

        Assert.Contains("no text column 'Review'", Message(Data(ml), new() { TextColumnName = "Review" }));
        Assert.Contains("no label column 'Sentiment'", Message(Data(ml), new() { LabelColumnName = "Sentiment" }));
        var notText = Message(scored, new() { TextColumnName = "Label", LabelColumnName = "Weight" });
        Assert.Contains("text column 'Label' is Single", notText);
        var notMissable = Message(scored, new() { LabelColumnName = "Weight" });
        Assert.Contains("label column 'Weight' is Double", notMissable);
        Assert.Contains("ConvertType", notMissable);
        Assert.Contains("label column 'Weight'", Assert.Throws<ArgumentException>(() => ml.Distillation.AppendUnlabelledText(scored, ["x"], labelColumnName: "Weight")).Message);
    }
}
