using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>Reads the annotations the trainers and teachers compare: a label's key values and a vector's slot names.</summary>
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
}
