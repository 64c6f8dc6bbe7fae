using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// The last stage of a multiclass student's chain: its predicted class index mapped to the label's key type, carrying the
/// label's key values (ML.NET's <c>MapValue</c>), so <c>MapKeyToValue</c> turns predictions back into the label's values.
/// </summary>
internal static class PredictedLabelKeys
{
    /// <summary>Maps a 0-based index to the label's key type, carrying the label's key values so MapKeyToValue works.</summary>
    public static IEstimator<ITransformer> Stage(MLContext mlContext, DataViewSchema.Column label, int classCount)
    {
        var keyValues = label.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (keyValues is not { Type: VectorDataViewType { ItemType: var itemType } })
            // No key values: keys 1..K stand for themselves (ValueMapping uses uint values as keys directly).
            return MapIndices(mlContext, Enumerable.Range(1, classCount).Select(i => (uint)i).ToArray());

        var raw = itemType.RawType;
        if (raw == typeof(ReadOnlyMemory<char>))
            return MapIndices(mlContext, ReadKeyValues<ReadOnlyMemory<char>>(label).Select(v => v.ToString()).ToArray());
        if (raw == typeof(float)) return MapIndices(mlContext, ReadKeyValues<float>(label));
        if (raw == typeof(double)) return MapIndices(mlContext, ReadKeyValues<double>(label));
        if (raw == typeof(int)) return MapIndices(mlContext, ReadKeyValues<int>(label));
        if (raw == typeof(long)) return MapIndices(mlContext, ReadKeyValues<long>(label));
        if (raw == typeof(short)) return MapIndices(mlContext, ReadKeyValues<short>(label));
        if (raw == typeof(bool)) return MapIndices(mlContext, ReadKeyValues<bool>(label));
        // uint/ulong values would be taken as key indices by ValueMapping; other types have no MapValue support.
        // Their text form keeps names readable after MapKeyToValue.
        throw new NotSupportedException($"Label column '{label.Name}' has key values of type {itemType}; MLNet.Distillation supports text, " +
            "float, double, int, long, short and bool key values. Map the label with MapValueToKey over a text column instead.");
    }

    private static T[] ReadKeyValues<T>(DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue("KeyValues", ref values);
        return values.DenseValues().ToArray();
    }

    private static IEstimator<ITransformer> MapIndices<T>(MLContext mlContext, T[] values)
        => mlContext.Transforms.Conversion.MapValue(DefaultColumnNames.PredictedLabel,
            values.Select((v, i) => new KeyValuePair<int, T>(i, v)), DefaultColumnNames.PredictedLabel, treatValuesAsKeyType: true);
}
