using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// How a text transfer set carries the label: original rows keep theirs, augmented or appended rows have none, written
/// as each trainer reads "no label". As in MUNGE (<see cref="MungeLabel"/>): a key label (multiclass) stays a key with its
/// count and key values, and a row without label gets key 0; a Single label (regression, or binary 0/1) gets NaN; a
/// Boolean label (binary), which cannot be missing, becomes Single 0/1 with NaN. Besides: a Text label (before
/// MapValueToKey) stays Text and a row without label gets the empty text, which MapValueToKey leaves out of its dictionary
/// and maps to key 0. Other label types are refused, naming the column.
/// </summary>
internal sealed class TextLabel
{
    private enum Kind { Key, Single, Boolean, Text }

    private readonly DataViewSchema.Column _column;
    private readonly Kind _kind;
    private readonly ulong _keyCount;

    private TextLabel(DataViewSchema.Column column, Kind kind, ulong keyCount) => (_column, _kind, _keyCount) = (column, kind, keyCount);

    /// <summary>A label value: the key (0 = missing) or the number (NaN = missing, Boolean as 0/1), or the text ("" = missing).</summary>
    public readonly record struct Value(float Number, string Text);

    /// <summary>The value of a row without label.</summary>
    public Value Missing => _kind == Kind.Key ? new Value(0, "") : new Value(float.NaN, "");

    /// <summary>The label rules for <paramref name="label"/>; <paramref name="operation"/> starts the refusal's message.</summary>
    public static TextLabel Of(DataViewSchema.Column label, string operation) => label.Type switch
    {
        KeyDataViewType { RawType: var raw, Count: > 0 } key when raw == typeof(uint) => new TextLabel(label, Kind.Key, key.Count),
        var t when t == NumberDataViewType.Single => new TextLabel(label, Kind.Single, 0),
        var t when t == BooleanDataViewType.Instance => new TextLabel(label, Kind.Boolean, 0),
        TextDataViewType => new TextLabel(label, Kind.Text, 0),
        _ => throw new ArgumentException($"{operation}: the label column '{label.Name}' is {label.Type}; rows without a label can be written only for a " +
            "UInt32 key (multiclass), Boolean (binary), Single (regression, or binary 0/1) or Text label (map it to a key afterwards). " +
            "Convert it first, e.g. mlContext.Transforms.Conversion.ConvertType to Single or MapValueToKey."),
    };

    /// <summary>Reads the current row's label from <paramref name="cursor"/>.</summary>
    public Func<Value> Reader(DataViewRowCursor cursor)
    {
        switch (_kind)
        {
            case Kind.Key:
            {
                var getter = cursor.GetGetter<uint>(_column);
                uint key = 0;
                return () => { getter(ref key); return new Value(key, ""); };
            }
            case Kind.Boolean:
            {
                var getter = cursor.GetGetter<bool>(_column);
                bool value = false;
                return () => { getter(ref value); return new Value(value ? 1f : 0f, ""); };
            }
            case Kind.Text:
            {
                var getter = cursor.GetGetter<ReadOnlyMemory<char>>(_column);
                ReadOnlyMemory<char> text = default;
                return () => { getter(ref text); return new Value(float.NaN, text.ToString()); };
            }
            default:
            {
                var getter = cursor.GetGetter<float>(_column);
                float y = 0;
                return () => { getter(ref y); return new Value(y, ""); };
            }
        }
    }

    /// <summary>
    /// The rows as a data view: the text column, the label column (named as in the input) and, when
    /// <paramref name="pseudoColumn"/>, a Boolean <c>IsPseudoRow</c> column.
    /// </summary>
    public IDataView Build(MLContext ml, string textColumn, IEnumerable<(string Text, Value Label, bool IsPseudoRow)> rows, bool pseudoColumn)
    {
        switch (_kind)
        {
            case Kind.Key:
            {
                // LoadFromEnumerable reads a UInt32 key property as a 0-based class index (it writes index + 1, and any index
                // ≥ the key count as 0 = missing), so a raw key k goes in as k − 1 and a missing label as the key count.
                uint missing = (uint)_keyCount;
                var keyRows = rows.Select(r => new KeyRow
                {
                    Text = r.Text, Label = r.Label.Number == 0 ? missing : (uint)r.Label.Number - 1,
                    IsPseudoRow = r.IsPseudoRow
                });
                var definition = Definition<KeyRow>(textColumn, pseudoColumn);
                definition[nameof(KeyRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), _keyCount);
                ColumnAnnotations.CopyKeyValues(_column, definition[nameof(KeyRow.Label)]);
                return ml.Data.LoadFromEnumerable(keyRows.ToList(), definition);
            }
            case Kind.Text:
            {
                var textRows = rows.Select(r => new TextRow { Text = r.Text, Label = r.Label.Text, IsPseudoRow = r.IsPseudoRow });
                return ml.Data.LoadFromEnumerable(textRows.ToList(), Definition<TextRow>(textColumn, pseudoColumn));
            }
            default:
            {
                var singleRows = rows.Select(r => new SingleRow { Text = r.Text, Label = r.Label.Number, IsPseudoRow = r.IsPseudoRow });
                return ml.Data.LoadFromEnumerable(singleRows.ToList(), Definition<SingleRow>(textColumn, pseudoColumn));
            }
        }
    }

    private SchemaDefinition Definition<T>(string textColumn, bool pseudoColumn)
    {
        var definition = SchemaDefinition.Create(typeof(T));
        definition["Text"].ColumnName = textColumn;
        definition["Label"].ColumnName = _column.Name;
        if (!pseudoColumn)
            definition.Remove(definition["IsPseudoRow"]);
        return definition;
    }

    private sealed class KeyRow
    {
        public string Text { get; set; } = "";
        public uint Label { get; set; }
        public bool IsPseudoRow { get; set; }
    }

    private sealed class SingleRow
    {
        public string Text { get; set; } = "";
        public float Label { get; set; }
        public bool IsPseudoRow { get; set; }
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
        public bool IsPseudoRow { get; set; }
    }
}
