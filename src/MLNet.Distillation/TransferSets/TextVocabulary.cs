namespace MLNet.Distillation;

/// <summary>
/// The words of a text column with their counts, for in-vocabulary replacement: a draw picks a word with probability
/// proportional to its count, i.e. every word occurrence in the data is equally likely. This stands in for Tang et al.'s
/// draw from the words of the same part of speech (their code picks uniformly from the list of every tagged occurrence,
/// so it too is by frequency, within the tag).
/// </summary>
internal sealed class TextVocabulary
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _words = [];
    private readonly List<long> _counts = [];
    private long[] _cumulative = [];

    /// <summary>Word occurrences counted so far.</summary>
    public long Total { get; private set; }

    /// <summary>Distinct words, in the order they first occurred.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>Counts every word of one sentence.</summary>
    public void Add(IEnumerable<string> words)
    {
        foreach (var word in words)
        {
            if (_index.TryGetValue(word, out int i))
                _counts[i]++;
            else
            {
                _index[word] = _words.Count;
                _words.Add(word);
                _counts.Add(1);
            }
            Total++;
        }
        _cumulative = [];
    }

    /// <summary>How often <paramref name="word"/> occurred (0 when never).</summary>
    public long Count(string word) => _index.TryGetValue(word, out int i) ? _counts[i] : 0;

    /// <summary>A word drawn by frequency: one <see cref="Random.NextInt64(long)"/> over the occurrences.</summary>
    public string Draw(Random random)
    {
        if (Total == 0)
            throw new InvalidOperationException("The vocabulary is empty: no word to draw.");
        if (_cumulative.Length != _counts.Count)
        {
            // Running totals, so a draw is a binary search rather than a walk over every word.
            _cumulative = new long[_counts.Count];
            long sum = 0;
            for (int i = 0; i < _counts.Count; i++)
                _cumulative[i] = sum += _counts[i];
        }
        long r = random.NextInt64(Total);
        // The first word whose running total exceeds r: occurrence r belongs to it.
        int at = Array.BinarySearch(_cumulative, r + 1);
        return _words[at >= 0 ? at : ~at];
    }
}
