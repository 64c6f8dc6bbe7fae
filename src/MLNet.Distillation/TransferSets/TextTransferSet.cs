using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Text transfer sets after Tang et al. 2019 ("Distilling Task-Specific Knowledge from BERT into Simple Neural
/// Networks"): unlabelled sentences that resemble the labelled ones, for a teacher to label, so a student learns the
/// teacher's function on more sentences than the labelled data has. Each input row gives
/// <see cref="TextAugmentationOptions.Multiplier"/> copies of its text, each drawn by <see cref="SentenceAugmenter"/>
/// (masking, in-vocabulary replacement, n-gram sampling); the vocabulary is every word of the input's text column, by
/// frequency. Also the plain case: unlabelled sentences the user has, appended to the labelled rows.
/// </summary>
internal static class TextTransferSet
{
    private const string PseudoRowColumn = "IsPseudoRow";

    /// <summary>The input rows (when asked) and then each row's copies, in row order; see <see cref="TextAugmentationOptions"/>.</summary>
    public static IDataView Augment(MLContext ml, IDataView data, TextAugmentationOptions options)
    {
        options.Validate();
        var (textColumn, labelColumn, label) = Columns(data, options.TextColumnName, options.LabelColumnName, "AugmentText");
        if (options.TextColumnName == PseudoRowColumn || options.LabelColumnName == PseudoRowColumn)
            throw new ArgumentException($"AugmentText writes a column '{PseudoRowColumn}'; the text and label columns need other names.",
                nameof(options));
        var rows = Read(data, textColumn, labelColumn, label, options.MaximumRows);

        var vocabulary = new TextVocabulary();
        var words = rows.Select(r => SentenceAugmenter.Words(r.Text)).ToArray();
        foreach (var sentence in words)
            vocabulary.Add(sentence);
        // Texts already in the output, compared with white space normalised (copies are joined with single spaces): a copy
        // equal to one of them teaches nothing new.
        var seen = options.DropDuplicates ? words.Select(w => string.Join(' ', w)).ToHashSet(StringComparer.Ordinal) : null;

        var augmenter = new SentenceAugmenter(options, vocabulary);
        var random = new Random(options.Seed);
        var copies = new List<(string, TextLabel.Value, bool)>();
        foreach (var sentence in words)
        {
            if (sentence.Length == 0)
                continue; // nothing to augment; draws nothing, so later rows' copies do not depend on empty rows
            for (int c = 0; c < options.Multiplier; c++)
            {
                var (copy, keptAWord) = augmenter.Augment(sentence, random);
                string text = string.Join(' ', copy);
                if (seen is not null && (!keptAWord || !seen.Add(text)))
                    continue;
                copies.Add((text, label.Missing, true));
            }
        }
        IEnumerable<(string, TextLabel.Value, bool)> originals = options.IncludeOriginal ? rows.Select(r => (r.Text, r.Label, false)) : [];
        return label.Build(ml, textColumn.Name, originals.Concat(copies), pseudoColumn: true);
    }

    /// <summary><paramref name="data"/>'s text and label columns, then one row per text with the label missing.</summary>
    public static IDataView AppendUnlabelled(MLContext ml, IDataView data, IEnumerable<string> texts, string textColumnName, string labelColumnName)
    {
        var (textColumn, labelColumn, label) = Columns(data, textColumnName, labelColumnName, "AppendUnlabelledText");
        var rows = Read(data, textColumn, labelColumn, label, int.MaxValue);
        var appended = texts.Select((t, i) => t ?? throw new ArgumentException($"AppendUnlabelledText: text {i} is null.", nameof(texts)));
        return label.Build(ml, textColumn.Name, rows.Select(r => (r.Text, r.Label, false)).Concat(appended.Select(t => (t, label.Missing, false))),
            pseudoColumn: false);
    }

    private static (DataViewSchema.Column Text, DataViewSchema.Column Label, TextLabel Rules) Columns(IDataView data, string textName,
        string labelName, string operation)
    {
        var text = data.Schema.GetColumnOrNull(textName)
            ?? throw new ArgumentException($"{operation}: the data has no text column '{textName}'.", nameof(data));
        if (text.Type is not TextDataViewType)
            throw new ArgumentException($"{operation}: the text column '{text.Name}' is {text.Type}; it must be Text (one string per row). " +
                "Augment the raw sentences, before tokenising or featurising them.", nameof(data));
        var label = data.Schema.GetColumnOrNull(labelName)
            ?? throw new ArgumentException($"{operation}: the data has no label column '{labelName}'.", nameof(data));
        return (text, label, TextLabel.Of(label, operation));
    }

    private static List<(string Text, TextLabel.Value Label)> Read(IDataView data, DataViewSchema.Column text, DataViewSchema.Column labelColumn,
        TextLabel label, int maximumRows)
    {
        var rows = new List<(string, TextLabel.Value)>();
        using var cursor = data.GetRowCursor([text, labelColumn]);
        var getText = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        var getLabel = label.Reader(cursor);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            if (rows.Count == maximumRows)
                throw new ArgumentException($"AugmentText holds every row and its copies in memory; the data has more than TextAugmentationOptions.MaximumRows " +
                    $"({maximumRows:N0}). Sample it first (mlContext.Data.TakeRows after a shuffle) or raise MaximumRows.");
            getText(ref value);
            rows.Add((value.ToString(), getLabel()));
        }
        return rows;
    }
}
