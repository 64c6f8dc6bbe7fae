using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// How the training rows divide among the classes, named as the label column writes them: the majority class (what a
/// model that always answers it would predict), the minority class, and whether the classes are imbalanced enough that
/// accuracy flatters a model that never predicts the rare class.
/// </summary>
/// <param name="Classes">Each class with its training rows, in the label's class order (binary: negative, positive).</param>
internal sealed record ClassBalance(IReadOnlyList<(string Name, long Rows)> Classes)
{
    /// <summary>
    /// The classes are imbalanced when the rarest has fewer than a quarter of the most common one's rows (a binary minority
    /// under 20 %): always answering the majority class then scores at least 80 % accuracy.
    /// </summary>
    public const double ImbalanceRatio = 0.25;

    /// <summary>The most common class (the first of equals).</summary>
    public string Majority => Classes.MaxBy(c => c.Rows).Name;

    /// <summary>The rarest class (the first of equals).</summary>
    public string Minority => Classes.MinBy(c => c.Rows).Name;

    /// <summary>Training rows.</summary>
    public long Rows => Classes.Sum(c => c.Rows);

    /// <summary>The majority class's share of the rows: the accuracy of always answering it on these rows.</summary>
    public double MajorityShare => (double)Classes.Max(c => c.Rows) / Rows;

    /// <summary>Whether the rarest class has fewer than <see cref="ImbalanceRatio"/> of the most common one's rows.</summary>
    public bool Imbalanced => Classes.Min(c => c.Rows) < ImbalanceRatio * Classes.Max(c => c.Rows);

    /// <summary>Each class's share of the training rows, by class.</summary>
    public IReadOnlyDictionary<string, double> Shares => Classes.ToDictionary(c => c.Name, c => (double)c.Rows / Rows);

    /// <summary>The classes in words: <c>'no' 527 (94.1 %), 'yes' 33 (5.9 %)</c>.</summary>
    public string Describe()
        => string.Join(", ", Classes.Select(c => $"'{c.Name}' {c.Rows.ToString("N0", CultureInfo.InvariantCulture)} ({((double)c.Rows / Rows).ToString("P1", CultureInfo.InvariantCulture)})"));

    /// <summary>Counts the classes of the featurised rows' <c>Label</c> (Boolean or key), named with <see cref="ClassNames"/>.</summary>
    public static ClassBalance Of(IDataView featurised, Featurization plan)
        => Of(featurised, ClassNames(featurised.Schema[Featurization.LabelColumn], plan));

    /// <summary>
    /// Counts the classes of the featurised rows' <c>Label</c> (Boolean or key), named <paramref name="names"/> in the
    /// label's order (binary: negative, positive). Rows without a class (key 0) are not counted.
    /// </summary>
    public static ClassBalance Of(IDataView featurised, IReadOnlyList<string> names)
    {
        var counts = new long[names.Count];
        var column = featurised.Schema[Featurization.LabelColumn];
        using var cursor = featurised.GetRowCursor([column]);
        if (column.Type is BooleanDataViewType)
        {
            var getter = cursor.GetGetter<bool>(column);
            bool value = false;
            while (cursor.MoveNext()) { getter(ref value); counts[value ? 1 : 0]++; }
        }
        else
        {
            var getter = cursor.GetGetter<uint>(column);
            uint key = 0;
            while (cursor.MoveNext()) { getter(ref key); if (key > 0) counts[key - 1]++; }
        }
        return new ClassBalance(names.Select((name, i) => (name, counts[i])).ToArray());
    }

    /// <summary>
    /// The classes of the featurised <c>Label</c> as the file writes them, in the label's order: a binary task's negative
    /// and positive class; a multiclass task's key values (the label's values, sorted).
    /// </summary>
    public static IReadOnlyList<string> ClassNames(DataViewSchema.Column label, Featurization plan)
    {
        if (label.Type is BooleanDataViewType)
            return [plan.NegativeClass!, plan.PositiveClass!];
        return KeyNames(label);
    }

    /// <summary>A key label's values as text, in key order (numbers as round-trip text); <c>1</c>, <c>2</c>, … without key values.</summary>
    public static IReadOnlyList<string> KeyNames(DataViewSchema.Column label)
    {
        int count = (int)((KeyDataViewType)label.Type).Count;
        var valuesType = label.Annotations.Schema.GetColumnOrNull("KeyValues")?.Type as VectorDataViewType;
        if (valuesType is null)
            return Enumerable.Range(1, count).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (valuesType.ItemType == NumberDataViewType.Single)
        {
            VBuffer<float> numbers = default;
            label.GetKeyValues(ref numbers);
            return numbers.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        }
        VBuffer<ReadOnlyMemory<char>> values = default;
        label.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}
