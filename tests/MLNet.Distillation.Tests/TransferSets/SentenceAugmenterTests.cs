namespace MLNet.Distillation.Tests.TransferSets;

/// <summary>
/// Tang et al.'s rules for one copy, each on its own: the per-word draw (masking or replacement, never both), the n-gram
/// cut and its length bounds, against hand-worked draws and against their probabilities over many words.
/// </summary>
public sealed class SentenceAugmenterTests
{
    private static readonly string[] Sentence = SentenceAugmenter.Words(
        "the performances are uniformly excellent and the script crackles with wit from the first scene to the very last line");

    // Fourteen different words, so an n-gram's words say where it starts.
    private static readonly string[] Distinct = SentenceAugmenter.Words("performances are uniformly excellent and the script crackles with wit from start to finish");

    private static SentenceAugmenter Augmenter(double mask, double replace, double ngram, TextVocabulary? vocabulary = null, int maximumN = 5)
    {
        var options = new TextAugmentationOptions { MaskProbability = mask, ReplacementProbability = replace, NGramProbability = ngram, MaximumNGramLength = maximumN };
        if (vocabulary is null)
        {
            vocabulary = new TextVocabulary();
            vocabulary.Add(Sentence);
        }
        return new SentenceAugmenter(options, vocabulary);
    }

    /// <summary>An observed share of <paramref name="n"/> draws within four standard errors of <paramref name="p"/>.</summary>
    private static void AssertShare(double p, int hits, int n, string what)
    {
        double observed = hits / (double)n, band = 4 * Math.Sqrt(p * (1 - p) / n);
        Assert.True(Math.Abs(observed - p) <= band, $"{what}: {observed:F4} over {n} draws, expected {p} ± {band:F4}");
    }

    [Fact]
    public void Words_split_on_white_space_and_keep_punctuation_attached()
    {
        Assert.Equal(["The", "film,", "frankly,", "is", "dull."], SentenceAugmenter.Words("  The film,  frankly,\tis\ndull. "));
        Assert.Empty(SentenceAugmenter.Words(" \t "));
    }

    [Fact]
    public void One_draw_per_word_decides_between_masking_replacement_and_keeping()
    {
        // p_mask 0.3, p_pos 0.3: u < 0.3 masks, 0.3 ≤ u < 0.6 replaces (one more draw picks the word), else the word stays;
        // with p_ng 0 one more draw per copy never cuts. A twin Random replays the documented order of draws.
        var vocabulary = new TextVocabulary();
        vocabulary.Add(["zebra"]);
        var augmenter = Augmenter(0.3, 0.3, 0, vocabulary);
        var words = SentenceAugmenter.Words("a b c d e f g h");
        var random = new Random(42);
        var twin = new Random(42);
        for (int copy = 0; copy < 20; copy++)
        {
            var (result, kept) = augmenter.Augment(words, random);
            var expected = words.Select(w =>
            {
                double u = twin.NextDouble();
                if (u < 0.3) return "[MASK]";
                if (u < 0.6) { twin.NextInt64(1); return "zebra"; }
                return w;
            }).ToArray();
            twin.NextDouble();
            Assert.Equal(expected, result);
            Assert.Equal(result.Zip(words).Any(p => p.First == p.Second), kept);
        }
    }

    [Fact]
    public void Masking_and_replacement_hit_their_share_of_words_and_never_the_same_word()
    {
        // A vocabulary of one word absent from the sentence tells replaced words from kept ones.
        var vocabulary = new TextVocabulary();
        vocabulary.Add(["zebra"]);
        var augmenter = Augmenter(0.1, 0.1, 0, vocabulary);
        var random = new Random(1);
        int masked = 0, replaced = 0, kept = 0, n = 0;
        for (int copy = 0; copy < 5000; copy++)
        {
            var (result, _) = augmenter.Augment(Sentence, random);
            Assert.Equal(Sentence.Length, result.Length);
            for (int i = 0; i < result.Length; i++, n++)
            {
                if (result[i] == "[MASK]") masked++;
                else if (result[i] == "zebra") replaced++;
                else { Assert.Equal(Sentence[i], result[i]); kept++; }
            }
        }
        AssertShare(0.1, masked, n, "masked");
        AssertShare(0.1, replaced, n, "replaced");
        AssertShare(0.8, kept, n, "kept");
    }

    [Fact]
    public void A_replaced_word_is_drawn_by_its_frequency_in_the_data()
    {
        // p_pos = 1: every word is a draw. "the" is 4 of the sentence's 20 words.
        Assert.Equal((4, 20), (Sentence.Count(w => w == "the"), Sentence.Length));
        var augmenter = Augmenter(0, 1, 0);
        var random = new Random(2);
        int the = 0, n = 0;
        for (int copy = 0; copy < 1000; copy++)
        {
            var (result, kept) = augmenter.Augment(Sentence, random);
            Assert.False(kept);
            Assert.All(result, w => Assert.Contains(w, Sentence));
            the += result.Count(w => w == "the");
            n += result.Length;
        }
        AssertShare(0.2, the, n, "'the' among replacements");
    }

    [Fact]
    public void An_n_gram_is_a_run_of_one_to_five_consecutive_words_any_of_them_equally_likely()
    {
        var augmenter = Augmenter(0, 0, 1);
        var random = new Random(3);
        var lengths = new int[6];
        var starts = new HashSet<(int Start, int N)>();
        const int copies = 3000;
        for (int copy = 0; copy < copies; copy++)
        {
            var (result, kept) = augmenter.Augment(Distinct, random);
            Assert.True(kept);
            Assert.InRange(result.Length, 1, 5);
            // The run must be consecutive words of the sentence; different words say where it starts.
            int start = Enumerable.Range(0, Distinct.Length - result.Length + 1).First(s => Distinct.AsSpan(s, result.Length).SequenceEqual(result));
            lengths[result.Length]++;
            starts.Add((start, result.Length));
        }
        for (int n = 1; n <= 5; n++)
            AssertShare(0.2, lengths[n], copies, $"n = {n}");
        // Every n-gram can come out, the last one included (Tang et al.'s randrange(len − n) never picks it).
        Assert.Contains((Distinct.Length - 5, 5), starts);
        Assert.Contains((Distinct.Length - 1, 1), starts);
        Assert.Equal(Enumerable.Range(1, 5).Sum(n => Distinct.Length - n + 1), starts.Count);
    }

    [Fact]
    public void A_sentence_no_longer_than_n_is_kept_whole()
    {
        // Two words, n uniform in 1..5: n = 1 cuts one word, n ≥ 2 (four chances in five) keeps both.
        var augmenter = Augmenter(0, 0, 1);
        var random = new Random(4);
        var words = SentenceAugmenter.Words("quite good");
        var results = Enumerable.Range(0, 2000).Select(_ => augmenter.Augment(words, random).Words).ToList();
        Assert.All(results, r => Assert.True(r.SequenceEqual(words) || r.SequenceEqual(["quite"]) || r.SequenceEqual(["good"])));
        AssertShare(0.8, results.Count(r => r.Length == 2), results.Count, "kept whole");
        Assert.All(Enumerable.Range(0, 50).Select(_ => Augmenter(0, 0, 1, maximumN: 1).Augment(words, random).Words), r => Assert.Single(r));
    }

    [Fact]
    public void N_gram_sampling_happens_to_its_share_of_copies()
    {
        var augmenter = Augmenter(0.1, 0.1, 0.25);
        var random = new Random(5);
        const int copies = 4000;
        int cut = Enumerable.Range(0, copies).Count(_ => augmenter.Augment(Sentence, random).Words.Length < Sentence.Length);
        AssertShare(0.25, cut, copies, "copies cut to an n-gram");
    }
}
