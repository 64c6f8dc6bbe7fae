namespace MLNet.Distillation;

/// <summary>
/// Settings of <c>mlContext.Distillation.AugmentText</c>: which columns to read, the probabilities of Tang et al.'s
/// (2019) rules and how many copies to make. The defaults are the paper's (p_mask = p_pos = 0.1, p_ng = 0.25, n-grams of
/// 1 to 5 words).
/// </summary>
public sealed class TextAugmentationOptions
{
    /// <summary>The text column whose sentences are augmented (a scalar Text column). Default <c>Text</c>.</summary>
    public string TextColumnName { get; set; } = DefaultColumnNames.Text;

    /// <summary>The label, kept on the original rows and missing on the augmented copies. Default <c>Label</c>.</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>
    /// Augmented copies drawn per input row (at most this many come out when <see cref="DropDuplicates"/> drops some).
    /// Default 10; Tang et al.'s code defaults to 20.
    /// </summary>
    public int Multiplier { get; set; } = 10;

    /// <summary>Probability p_mask that a word is replaced by <see cref="MaskToken"/>. Default 0.1.</summary>
    public double MaskProbability { get; set; } = 0.1;

    /// <summary>
    /// Probability p_pos that a word is replaced by a word drawn from the data's own vocabulary, by frequency (every word
    /// occurrence in the text column equally likely). Tang et al. draw a word of the same part of speech; without a tagger
    /// this draw ignores the part of speech. One uniform draw per word decides between masking and replacement, so
    /// <see cref="MaskProbability"/> + ReplacementProbability must not exceed 1. Default 0.1.
    /// </summary>
    public double ReplacementProbability { get; set; } = 0.1;

    /// <summary>
    /// Probability p_ng that a copy, after masking and replacement, is cut down to a random n-gram of its words, n uniform
    /// in 1 to <see cref="MaximumNGramLength"/>. Default 0.25.
    /// </summary>
    public double NGramProbability { get; set; } = 0.25;

    /// <summary>The longest n-gram n-gram sampling keeps (n is drawn uniformly from 1 to this). Default 5.</summary>
    public int MaximumNGramLength { get; set; } = 5;

    /// <summary>
    /// The word a masked word becomes. Default <c>[MASK]</c>, which BERT tokenisers keep as one special token, so a BERT
    /// teacher sees a masked position; for another teacher use a token its tokeniser knows (for a bag-of-words teacher any
    /// word absent from the data). It must be one word: no white space.
    /// </summary>
    public string MaskToken { get; set; } = "[MASK]";

    /// <summary>
    /// Whether to drop a copy whose text equals an input row's (after white space is normalised) or an earlier copy's, and
    /// a copy in which every word was masked or replaced, which keeps nothing of its source; Tang et al.'s code does both.
    /// False keeps every copy: exactly <see cref="Multiplier"/> per row with at least one word. Default true.
    /// </summary>
    public bool DropDuplicates { get; set; } = true;

    /// <summary>
    /// Whether the output starts with the input rows, their labels kept, before the copies; as MUNGE's output does, and as
    /// Tang et al.'s transfer set (the training set plus its augmented sentences) is. False returns the copies alone.
    /// Default true.
    /// </summary>
    public bool IncludeOriginal { get; set; } = true;

    /// <summary>
    /// The most input rows accepted: the rows, their copies and the set of texts seen are held in memory (about
    /// rows × (1 + Multiplier) sentences). Default 100,000; sample the data first for more.
    /// </summary>
    public int MaximumRows { get; set; } = 100_000;

    /// <summary>Seed of the draws. The same data and seed give the same rows, in the same order. Default 0.</summary>
    public int Seed { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrEmpty(TextColumnName)) throw new ArgumentException("TextAugmentationOptions.TextColumnName must name a column.");
        if (string.IsNullOrEmpty(LabelColumnName)) throw new ArgumentException("TextAugmentationOptions.LabelColumnName must name a column.");
        if (TextColumnName == LabelColumnName)
            throw new ArgumentException($"TextAugmentationOptions.TextColumnName and LabelColumnName are both '{TextColumnName}'; they must name two columns.");
        if (Multiplier < 1) throw new ArgumentOutOfRangeException(nameof(Multiplier), $"TextAugmentationOptions.Multiplier must be at least 1, not {Multiplier}.");
        CheckProbability(MaskProbability, nameof(MaskProbability));
        CheckProbability(ReplacementProbability, nameof(ReplacementProbability));
        CheckProbability(NGramProbability, nameof(NGramProbability));
        if (MaskProbability + ReplacementProbability > 1)
            throw new ArgumentOutOfRangeException(nameof(ReplacementProbability), $"TextAugmentationOptions.MaskProbability ({MaskProbability}) + " +
                $"ReplacementProbability ({ReplacementProbability}) must not exceed 1: one draw per word decides between them.");
        if (MaximumNGramLength < 1) throw new ArgumentOutOfRangeException(nameof(MaximumNGramLength), $"TextAugmentationOptions.MaximumNGramLength must be at least 1, not {MaximumNGramLength}.");
        if (string.IsNullOrEmpty(MaskToken) || MaskToken.Any(char.IsWhiteSpace))
            throw new ArgumentException($"TextAugmentationOptions.MaskToken must be one word without white space, not '{MaskToken}'.",
                nameof(MaskToken));
        if (MaximumRows < 1) throw new ArgumentOutOfRangeException(nameof(MaximumRows), $"TextAugmentationOptions.MaximumRows must be at least 1, not {MaximumRows}.");
    }

    private static void CheckProbability(double p, string name)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(name, $"TextAugmentationOptions.{name} must be in [0, 1], not {p}.");
    }
}
