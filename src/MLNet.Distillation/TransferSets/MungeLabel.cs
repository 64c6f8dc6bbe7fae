using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// How MUNGE's output carries the label: real rows keep theirs, pseudo-rows have none. A key label (multiclass) stays a
/// key, with its key values, and pseudo-rows get key 0 (missing); a Single label (regression) gets NaN; a Boolean label
/// (binary), which cannot be missing, becomes Single 0/1 with NaN for pseudo-rows, which the binary trainer reads as
/// "no label". Other label types are refused.
/// </summary>
internal sealed class MungeLabel
{
    private readonly bool _key;
    private readonly ulong _keyCount;

    private MungeLabel(bool key, ulong keyCount) => (_key, _keyCount) = (key, keyCount);

    public static MungeLabel Of(DataViewSchema.Column label) => label.Type switch
    {
        KeyDataViewType { RawType: var raw } key when raw == typeof(uint) => new MungeLabel(true, key.Count),
        var t when t == NumberDataViewType.Single || t == BooleanDataViewType.Instance => new MungeLabel(false, 0),
        _ => throw new ArgumentException($"Munge: the label column '{label.Name}' is {label.Type}; it must be a UInt32 key (multiclass), Boolean (binary) or Single (regression)."),
    };

    /// <summary>Reads the label as a float: the key (as a number) or the value (Boolean as 0/1).</summary>
    public Func<float> Reader(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        if (_key)
        {
            var getter = cursor.GetGetter<uint>(label);
            uint key = 0;
            return () => { getter(ref key); return key; };
        }
        if (label.Type == BooleanDataViewType.Instance)
        {
            var getter = cursor.GetGetter<bool>(label);
            bool value = false;
            return () => { getter(ref value); return value ? 1f : 0f; };
        }
        var single = cursor.GetGetter<float>(label);
        float y = 0;
        return () => { single(ref y); return y; };
    }

    /// <summary>The real rows, then the pseudo-rows, with an <c>IsPseudoRow</c> column.</summary>
    public IDataView Build(MLContext ml, DataViewSchema.Column features, DataViewSchema.Column label, List<float[]> rows, List<float> labels,
        List<float[]> pseudo)
    {
        int width = rows[0].Length;
        if (_key)
        {
            // LoadFromEnumerable reads a UInt32 key property as a 0-based class index (it writes index + 1, and any index
            // ≥ the key count as 0 = missing), so a raw key k goes in as k − 1 and a missing label as the key count.
            uint missing = (uint)_keyCount;
            var keyRows = rows.Select((r, i) => new KeyRow { Features = r, Label = labels[i] == 0 ? missing : (uint)labels[i] - 1 })
                .Concat(pseudo.Select(p => new KeyRow { Features = p, Label = missing, IsPseudoRow = true })).ToList();
            var definition = Definition<KeyRow>(features.Name, label.Name, width);
            definition[nameof(KeyRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), _keyCount);
            ColumnAnnotations.CopyKeyValues(label, definition[nameof(KeyRow.Label)]);
            return ml.Data.LoadFromEnumerable(keyRows, definition);
        }
        var singleRows = rows.Select((r, i) => new SingleRow { Features = r, Label = labels[i] })
            .Concat(pseudo.Select(p => new SingleRow { Features = p, Label = float.NaN, IsPseudoRow = true })).ToList();
        return ml.Data.LoadFromEnumerable(singleRows, Definition<SingleRow>(features.Name, label.Name, width));
    }

    private static SchemaDefinition Definition<T>(string features, string label, int width)
    {
        var definition = SchemaDefinition.Create(typeof(T));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        definition["Features"].ColumnName = features;
        definition["Label"].ColumnName = label;
        return definition;
    }

    private sealed class KeyRow
    {
        public float[] Features { get; set; } = [];
        public uint Label { get; set; }
        public bool IsPseudoRow { get; set; }
    }

    private sealed class SingleRow
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
        public bool IsPseudoRow { get; set; }
    }
}
