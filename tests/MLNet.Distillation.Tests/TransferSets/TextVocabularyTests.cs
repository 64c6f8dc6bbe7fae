namespace MLNet.Distillation.Tests.TransferSets;

/// <summary>The vocabulary in-vocabulary replacement draws from: counts per word and a draw by frequency.</summary>
public sealed class TextVocabularyTests
{
    /// <summary>A Random whose 64-bit draws are 0, 1, 2, … in turn, so each draw's word can be worked out by hand.</summary>
    private sealed class CountingRandom : Random
    {
        private long _next;
        public override long NextInt64(long maxValue) => _next++ % maxValue;
    }

    [Fact]
    public void Each_word_occurrence_is_one_draw()
    {
        var vocabulary = new TextVocabulary();
        vocabulary.Add(["a", "b", "a"]);
        vocabulary.Add(["c", "a"]);

        Assert.Equal(5, vocabulary.Total);
        Assert.Equal(["a", "b", "c"], vocabulary.Words);
        Assert.Equal(3, vocabulary.Count("a"));
        Assert.Equal(0, vocabulary.Count("d"));
        // Occurrences 0–2 are a's, 3 is b's, 4 is c's (words in first-seen order, each owning as many draws as it occurs).
        var random = new CountingRandom();
        Assert.Equal(["a", "a", "a", "b", "c", "a"], Enumerable.Range(0, 6).Select(_ => vocabulary.Draw(random)));
    }

    [Fact]
    public void Draws_follow_the_word_frequencies()
    {
        var vocabulary = new TextVocabulary();
        vocabulary.Add(["the", "cat", "the", "dog", "the", "end", "cat", "the"]);
        var random = new Random(3);
        const int n = 40_000;
        var draws = Enumerable.Range(0, n).Select(_ => vocabulary.Draw(random)).ToList();
        foreach (var word in vocabulary.Words)
        {
            double p = vocabulary.Count(word) / (double)vocabulary.Total;
            double observed = draws.Count(d => d == word) / (double)n;
            Assert.InRange(observed, p - 4 * Math.Sqrt(p * (1 - p) / n), p + 4 * Math.Sqrt(p * (1 - p) / n));
        }
    }

    [Fact]
    public void An_empty_vocabulary_has_nothing_to_draw()
        => Assert.Throws<InvalidOperationException>(() => new TextVocabulary().Draw(new Random(0)));
}
