using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Reads the annotations the trainers, teachers and shard reader compare: a label's key values, a vector's slot names,
/// and every annotation of a column as comparable text; and copies a label's key values onto a rebuilt column.
/// </summary>
internal static class ColumnAnnotations
{
    /// <summary>The key values of a key column as text, when it has text key values; else null.</summary>
    public static string[]? TextKeyValues(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(ColumnView.KeyValuesAnnotation)?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return null;
        VBuffer<ReadOnlyMemory<char>> keys = default;
        column.Annotations.GetValue(ColumnView.KeyValuesAnnotation, ref keys);
        return keys.DenseValues().Select(k => k.ToString()).ToArray();
    }

    /// <summary>
    /// Every annotation of <paramref name="column"/> by name, each value as one string that is equal exactly when the
    /// values are (vector items joined by a separator no value contains), whatever the annotation's type.
    /// </summary>
    public static Dictionary<string, string?> AllAsText(DataViewSchema.Column column)
    {
        var result = new Dictionary<string, string?>();
        foreach (var annotation in column.Annotations.Schema)
        {
            bool vector = annotation.Type is VectorDataViewType;
            var raw = annotation.Type is VectorDataViewType v ? v.ItemType.RawType : annotation.Type.RawType;
            var read = typeof(ColumnAnnotations).GetMethod(vector ? nameof(VectorAsText) : nameof(ScalarAsText),
                System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(raw);
            result[annotation.Name] = (string?)read.Invoke(null, [column, annotation.Name]);
        }
        return result;
    }

    private static string VectorAsText<T>(DataViewSchema.Column column, string name)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(name, ref values);
        return string.Join("\u001f", values.DenseValues());
    }

    private static string? ScalarAsText<T>(DataViewSchema.Column column, string name)
    {
        T value = default!;
        column.Annotations.GetValue(name, ref value);
        return value?.ToString();
    }

    /// <summary>The slot names of a vector column, when it has some that are not all empty; else null.</summary>
    public static string[]? SlotNames(DataViewSchema.Column column)
    {
        if (!column.HasSlotNames())
            return null;
        VBuffer<ReadOnlyMemory<char>> slots = default;
        column.GetSlotNames(ref slots);
        var names = slots.DenseValues().Select(s => s.ToString()).ToArray();
        return names.All(string.IsNullOrEmpty) ? null : names;
    }

    /// <summary>
    /// Copies <paramref name="column"/>'s key values (when it has some) onto <paramref name="target"/>, so a key column
    /// rebuilt through <c>LoadFromEnumerable</c> keeps its class names (MapKeyToValue, evaluation per class).
    /// </summary>
    public static void CopyKeyValues(DataViewSchema.Column column, SchemaDefinition.Column target)
    {
        if (column.Annotations.Schema.GetColumnOrNull(ColumnView.KeyValuesAnnotation) is not { Type: VectorDataViewType type })
            return;
        typeof(ColumnAnnotations)
            .GetMethod(nameof(CopyKeyValuesOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type.ItemType.RawType).Invoke(null, [column, target, type]);
    }

    private static void CopyKeyValuesOf<T>(DataViewSchema.Column column, SchemaDefinition.Column target, VectorDataViewType type)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(ColumnView.KeyValuesAnnotation, ref values);
        target.AddAnnotation(ColumnView.KeyValuesAnnotation, values, type);
    }
}
