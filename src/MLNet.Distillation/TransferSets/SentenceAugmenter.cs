namespace MLNet.Distillation;

/// <summary>
/// Tang et al.'s (2019) rules for one augmented copy of a sentence, drawn in the paper's order. Per word, one
/// uniform draw u: u &lt; p_mask masks the word, p_mask ≤ u &lt; p_mask + p_pos replaces it by a vocabulary word (one more
/// draw), otherwise the word stays; so masking and replacement never both hit a word. Then one draw decides n-gram
/// sampling (probability p_ng): n uniform in 1..N (one draw) and, when the copy has more than n words, the start uniform
/// over every n-gram (one draw). Where this departs from Tang et al.'s code: it draws the n-gram decision before the words
/// (which changes which copies a seed gives, not their distribution); it stops augmenting a sentence of n words or fewer,
/// which is kept whole here; and its start draw (randrange(len − n)) never picks the last n-gram, which looks unintended.
/// </summary>
internal sealed class SentenceAugmenter
{
    private readonly TextAugmentationOptions _options;
    private readonly TextVocabulary _vocabulary;

    public SentenceAugmenter(TextAugmentationOptions options, TextVocabulary vocabulary) => (_options, _vocabulary) = (options, vocabulary);

    /// <summary>
    /// The words of a sentence: split on white space, punctuation left attached ("film," is one word). The teacher's own
    /// tokeniser splits punctuation off again, and unchanged words keep their exact form; the cost is that a masked or
    /// replaced word takes its attached punctuation with it, and that "film" and "film," are two vocabulary words.
    /// </summary>
    public static string[] Words(ReadOnlySpan<char> text)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool space = i == text.Length || char.IsWhiteSpace(text[i]);
            if (space && start >= 0)
            {
                words.Add(text[start..i].ToString());
                start = -1;
            }
            else if (!space && start < 0)
                start = i;
        }
        return words.ToArray();
    }

    /// <summary>One augmented copy of <paramref name="words"/>; <c>KeptAWord</c> is false when every word was masked or replaced.</summary>
    public (string[] Words, bool KeptAWord) Augment(string[] words, Random random)
    {
        var copy = new string[words.Length];
        bool kept = false;
        double mask = _options.MaskProbability, replace = mask + _options.ReplacementProbability;
        for (int i = 0; i < words.Length; i++)
        {
            double u = random.NextDouble();
            if (u < mask)
                copy[i] = _options.MaskToken;
            else if (u < replace)
                copy[i] = _vocabulary.Draw(random);
            else
            {
                copy[i] = words[i];
                kept = true;
            }
        }
        if (random.NextDouble() < _options.NGramProbability)
        {
            int n = random.Next(1, _options.MaximumNGramLength + 1);
            if (copy.Length > n)
                copy = copy.AsSpan(random.Next(copy.Length - n + 1), n).ToArray();
        }
        return (copy, kept);
    }
}
