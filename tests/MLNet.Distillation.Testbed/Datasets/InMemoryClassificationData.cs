using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Testbed;

/// <summary>
/// Dense float features and a key-typed label held in arrays, exposed as an <see cref="IDataView"/> whose label
/// carries its class names as key values (so MapKeyToValue, evaluators and the student's PredictedLabel show names).
/// </summary>
public sealed class InMemoryClassificationData : IDataView
{
    private readonly float[] _features;
    private readonly uint[] _keys;
    private readonly int _featureCount;

    /// <summary>Wraps arrays without copying them.</summary>
    /// <param name="features">Row-major features, <paramref name="featureCount"/> per row.</param>
    /// <param name="labels">0-based class per row; a negative value is a missing label (key 0).</param>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="classNames">Class names in class order.</param>
    /// <param name="featureColumnName">Name of the feature column.</param>
    /// <param name="labelColumnName">Name of the label column.</param>
    public InMemoryClassificationData(float[] features, int[] labels, int featureCount, IReadOnlyList<string> classNames,
        string featureColumnName = "Features", string labelColumnName = "Label")
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if ((long)labels.Length * featureCount != features.Length)
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * featureCount} feature values, but there are {features.Length}.", nameof(features));
        if (classNames.Count < 2)
            throw new ArgumentException($"At least 2 class names are needed, not {classNames.Count}.", nameof(classNames));
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= classNames.Count)
                throw new ArgumentException($"Label {labels[i]} at row {i} is out of range for {classNames.Count} classes.", nameof(labels));
        _features = features;
        _featureCount = featureCount;
        _keys = labels.Select(l => l < 0 ? 0u : (uint)l + 1).ToArray();
        ClassNames = classNames.ToArray();

        var names = ClassNames.Select(n => n.AsMemory()).ToArray();
        var keyValues = new DataViewSchema.Annotations.Builder();
        keyValues.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, names.Length),
            (ref VBuffer<ReadOnlyMemory<char>> value) => new VBuffer<ReadOnlyMemory<char>>(names.Length, names).CopyTo(ref value));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(featureColumnName, new VectorDataViewType(NumberDataViewType.Single, featureCount));
        builder.AddColumn(labelColumnName, new KeyDataViewType(typeof(uint), ClassNames.Count), keyValues.ToAnnotations());
        Schema = builder.ToSchema();
    }

    /// <summary>Class names in class order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount => _keys.Length;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public bool CanShuffle => true;

    /// <inheritdoc />
    public long? GetRowCount() => _keys.Length;

    /// <summary>The rows at <paramref name="indices"/> as a new data view (copies).</summary>
    /// <param name="indices">Row indices, in the order wanted.</param>
    public InMemoryClassificationData Select(IReadOnlyList<int> indices)
    {
        var features = new float[indices.Count * _featureCount];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Array.Copy(_features, (long)indices[i] * _featureCount, features, (long)i * _featureCount, _featureCount);
            labels[i] = (int)_keys[indices[i]] - 1;
        }
        return new InMemoryClassificationData(features, labels, _featureCount, ClassNames, Schema[0].Name, Schema[1].Name);
    }

    /// <summary>A copy in which the labels of all rows not in <paramref name="keep"/> are missing (for transfer-set distillation).</summary>
    /// <param name="keep">Rows whose label stays.</param>
    public InMemoryClassificationData WithLabelsOnly(IReadOnlySet<int> keep)
        => new(_features, _keys.Select((k, i) => keep.Contains(i) ? (int)k - 1 : -1).ToArray(), _featureCount, ClassNames, Schema[0].Name, Schema[1].Name);

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var c in columnsNeeded) active[c.Index] = true;
        int[]? order = null;
        if (rand is not null)
        {
            order = Enumerable.Range(0, _keys.Length).ToArray();
            rand.Shuffle(order);
        }
        return new Cursor(this, active, order);
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(InMemoryClassificationData parent, bool[] active, int[]? order) : DataViewRowCursor
    {
        private long _position = -1;
        private int Row => order is null ? (int)_position : order[_position];

        public override DataViewSchema Schema => parent.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

        public override bool MoveNext()
        {
            if (_position + 1 >= parent._keys.Length)
            {
                _position = parent._keys.Length;
                return false;
            }
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter()
            => (ref DataViewRowId id) => id = new DataViewRowId((ulong)Row, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");
            Delegate getter = column.Index == 0
                ? (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, parent._featureCount);
                    parent._features.AsSpan(Row * parent._featureCount, parent._featureCount).CopyTo(editor.Values);
                    value = editor.Commit();
                })
                : (ValueGetter<uint>)((ref uint value) => value = parent._keys[Row]);
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}.");
        }
    }
}
