using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// <c>distill evaluate</c>'s check of the labels of <c>--data</c> as the saved model maps them: ML.NET's evaluators drop a
/// row whose class the model's label mapping does not know (a multiclass label maps it to the missing key), and a binary
/// label written as text maps any value but the positive class to false, so such rows would change the figures without a
/// word. <c>distill train</c> checks a test file against the training file's classes (<see cref="Featurization"/>); a
/// saved model no longer has that file, so this reads what its mapping did.
/// <para>
/// Not detectable: a binary text label whose file holds the positive class and exactly one other value that is not the
/// training file's negative class (the mapping keeps no list of the values it was fitted on); the CLI README says so.
/// </para>
/// </summary>
internal static class EvaluationLabelCheck
{
    /// <summary>
    /// Throws <see cref="CliException.BadInput"/> naming <c>--data</c>, the label and the first rows at fault. Returns a
    /// binary text label's two classes as the file writes them (the model maps them to false and true), read in the same
    /// pass, or null for other labels or when a class has no row.
    /// </summary>
    /// <param name="featurised">The rows through the saved model's first stage (featuriser and label mapping).</param>
    /// <param name="label">The original label column (<c>--label</c>), or null when not given.</param>
    /// <param name="fileName">The data file's name, for messages.</param>
    public static (string False, string True)? Check(IDataView featurised, string? label, string fileName)
    {
        var mapped = featurised.Schema[Featurization.LabelColumn];
        // A label column the file itself calls "Label" is shadowed by the mapped one of the same name: it stays in the
        // schema, hidden, before it.
        var original = label is null ? null
            : featurised.Schema.Where(c => c.Name == label && c.Index != mapped.Index).Select(c => (DataViewSchema.Column?)c).LastOrDefault();
        if (original is { Type: not TextDataViewType })
            original = null;
        if (mapped.Type is KeyDataViewType)
            CheckKeys(featurised, mapped, original, label, fileName);
        else if (mapped.Type is BooleanDataViewType && original is { } text)
            return CheckBinaryText(featurised, mapped, text, fileName);
        return null;
    }

    /// <summary>A multiclass label: a row whose key is 0 has a class the model does not know, or no label.</summary>
    private static void CheckKeys(IDataView featurised, DataViewSchema.Column mapped, DataViewSchema.Column? original, string? label, string fileName)
    {
        var columns = original is { } o ? new[] { mapped, o } : [mapped];
        using var cursor = featurised.GetRowCursor(columns);
        var getKey = cursor.GetGetter<uint>(mapped);
        var getText = original is { } column ? cursor.GetGetter<ReadOnlyMemory<char>>(column) : null;
        uint key = 0;
        ReadOnlyMemory<char> text = default;
        long row = 0, unknown = 0, firstRow = 0;
        var values = new List<string>();
        while (cursor.MoveNext())
        {
            row++;
            getKey(ref key);
            if (key != 0)
                continue;
            if (unknown++ == 0)
                firstRow = row;
            if (getText is null)
                continue;
            getText(ref text);
            string value = text.IsEmpty ? "(empty)" : $"'{text}'";
            if (values.Count < 3 && !values.Contains(value))
                values.Add(value);
        }
        if (unknown == 0)
            return;
        string classes = KnownClasses(mapped);
        throw CliException.BadInput($"--data {fileName}: {unknown:N0} of {row:N0} rows (the first is data row {firstRow:N0}) have a label the student was not trained on" +
            (values.Count > 0 ? $" ({string.Join(", ", values)} in column '{label}')" : " or no label") +
            $"; its classes are {classes}. ML.NET's evaluators would leave those rows out of the figures without a word: remove them, or fill their label.");
    }

    /// <summary>
    /// A binary label written as text: the model maps its positive class to true and everything else to false, so an
    /// empty label or a third value would be counted as the negative class. Returns the two classes' names when both have rows.
    /// </summary>
    private static (string False, string True)? CheckBinaryText(IDataView featurised, DataViewSchema.Column mapped, DataViewSchema.Column original,
        string fileName)
    {
        using var cursor = featurised.GetRowCursor([mapped, original]);
        var getMapped = cursor.GetGetter<bool>(mapped);
        var getText = cursor.GetGetter<ReadOnlyMemory<char>>(original);
        bool value = false;
        ReadOnlyMemory<char> text = default;
        var negatives = new Dictionary<string, (long Rows, long FirstRow)>();
        string? positive = null;
        long row = 0, empty = 0, firstEmpty = 0;
        while (cursor.MoveNext())
        {
            row++;
            getMapped(ref value);
            getText(ref text);
            if (text.Span.Trim().IsEmpty)
            {
                if (empty++ == 0) firstEmpty = row;
            }
            else if (value)
                positive ??= text.ToString();
            else
            {
                string name = text.ToString();
                negatives[name] = negatives.TryGetValue(name, out var seen) ? (seen.Rows + 1, seen.FirstRow) : (1, row);
            }
        }
        if (empty > 0)
            throw CliException.BadInput($"--data {fileName}: label '{original.Name}' is empty on {empty:N0} rows (the first is data row {firstEmpty:N0}); " +
                "the student's label mapping would count them as the negative class. Fill or remove those rows.");
        if (negatives.Count > 1)
        {
            var listed = string.Join(", ", negatives.OrderBy(n => n.Value.FirstRow).Select(n => $"'{n.Key}' ({n.Value.Rows:N0} rows, first data row {n.Value.FirstRow:N0})"));
            throw CliException.BadInput($"--data {fileName}: label '{original.Name}' holds {negatives.Count} values besides the positive class: {listed}. " +
                "The student knows one negative class and would count every other value as it; remove the rows of the class it was not trained on.");
        }
        return negatives.Count == 1 && positive is not null ? (negatives.Keys.Single(), positive) : null;
    }

    private static string KnownClasses(DataViewSchema.Column mapped)
    {
        if (!mapped.HasKeyValues())
            return $"{((KeyDataViewType)mapped.Type).Count:N0} classes";
        VBuffer<ReadOnlyMemory<char>> names = default;
        mapped.GetKeyValues(ref names);
        var all = names.DenseValues().Select(n => $"'{n}'").ToArray();
        return string.Join(", ", all.Take(12)) + (all.Length > 12 ? ", ..." : "");
    }
}
