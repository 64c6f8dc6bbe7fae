using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Several ML.NET binary files with one schema, read as one data view: the shards a teacher-scoring job array writes
/// (ML.NET's own binary loader takes a single file). Rows come shard after shard, each in its file's order; a shuffled
/// cursor visits the shards in a seeded random order and reads each through the binary loader's own shuffle, so the
/// streaming trainer shuffles across shards without holding them. Row ids are the file's row index with the shard's index
/// in the high word: stable on every pass, and distinct across shards.
/// </summary>
internal sealed class BinaryShards : IDataView
{
    private readonly IDataView[] _shards;
    private readonly string[] _paths;

    public BinaryShards(MLContext mlContext, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
            throw new ArgumentException("Name at least one shard file.", nameof(paths));
        _paths = [.. paths];
        _shards = new IDataView[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            if (Directory.Exists(paths[i]))
                throw new ArgumentException(
                    $"The shard '{paths[i]}' is a folder: pass its files, e.g. Directory.GetFiles(folder, \"*.idv\").Order().", nameof(paths));
            if (!File.Exists(paths[i]))
                throw new FileNotFoundException($"The shard '{paths[i]}' does not exist.", paths[i]);
            try
            {
                _shards[i] = mlContext.Data.LoadFromBinary(paths[i]);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"The shard '{paths[i]}' is not an ML.NET binary file: {e.Message}", e);
            }
            if (i > 0)
                SameSchema(_shards[0].Schema, _shards[i].Schema, paths[0], paths[i]);
        }
    }

    public DataViewSchema Schema => _shards[0].Schema;

    public bool CanShuffle => _shards.All(s => s.CanShuffle);

    public long? GetRowCount()
    {
        long total = 0;
        foreach (var shard in _shards)
        {
            if (shard.GetRowCount() is not long n)
                return null;
            total += n;
        }
        return total;
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var columns = columnsNeeded.ToArray();
        int[] order = [.. Enumerable.Range(0, _shards.Length)];
        rand?.Shuffle(order);
        return new Cursor(this, columns, order, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    /// <summary>
    /// Shards must agree column for column: name, type, and annotations. The annotations matter: a label whose key values
    /// differ would mean other classes in one shard, and a teacher column whose teacher differs (another model, or one
    /// model's raw score instead of its probability) would mix two kinds of targets; both would train without a sign.
    /// </summary>
    private static void SameSchema(DataViewSchema first, DataViewSchema other, string firstPath, string otherPath)
    {
        for (int i = 0; i < Math.Max(first.Count, other.Count); i++)
        {
            string Describe(DataViewSchema schema) => i < schema.Count ? $"'{schema[i].Name}' ({schema[i].Type})" : "missing";
            if (i >= first.Count || i >= other.Count || first[i].Name != other[i].Name || !first[i].Type.Equals(other[i].Type))
                throw new InvalidDataException($"The shard '{otherPath}' has other columns than '{firstPath}': column {i + 1} is {Describe(other)} there " +
                    $"but {Describe(first)} in '{firstPath}'. Every shard must be written from the same pipeline.");
            var expected = ColumnAnnotations.AllAsText(first[i]);
            var actual = ColumnAnnotations.AllAsText(other[i]);
            foreach (var name in expected.Keys.Union(actual.Keys))
            {
                if (expected.GetValueOrDefault(name) == actual.GetValueOrDefault(name))
                    continue;
                string column = first[i].Name;
                throw new InvalidDataException(name switch
                {
                    ColumnView.KeyValuesAnnotation => $"The key column '{column}' maps its keys to other values in '{otherPath}' than in '{firstPath}': the same key would mean " +
                        "another class. Map the label with one MapValueToKey (fitted once, or with keyData) for every shard.",
                    TeacherScoredDataView.TeacherAnnotation => $"The teacher column '{column}' was scored by another teacher in '{otherPath}' than in '{firstPath}' " +
                        "(another model, or the same model read another way, such as its raw score instead of its probability). Score every shard with the same teacher.",
                    _ => $"The column '{column}' has another '{name}' annotation in '{otherPath}' than in '{firstPath}'. Every shard must be written from the same pipeline.",
                });
            }
        }
    }

    /// <summary>Reads the shards one after another, forwarding getters to the current shard's cursor.</summary>
    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BinaryShards _parent;
        private readonly DataViewSchema.Column[] _columns;
        private readonly int[] _order;
        private readonly Random? _random;
        private readonly bool[] _active;
        // Per requested column (by index), the current shard's getter, rebound at every shard change by its binder.
        private readonly Delegate?[] _getters;
        private readonly Func<DataViewRowCursor, Delegate>?[] _binders;
        private DataViewRowCursor? _inner;
        private ValueGetter<DataViewRowId>? _innerId;
        private int _next;
        private long _position = -1;
        private ulong _shardIndex;

        public Cursor(BinaryShards parent, DataViewSchema.Column[] columns, int[] order, Random? random)
        {
            _parent = parent;
            _columns = columns;
            _order = order;
            _random = random;
            _active = new bool[parent.Schema.Count];
            foreach (var c in columns)
                _active[c.Index] = true;
            _getters = new Delegate?[parent.Schema.Count];
            _binders = new Func<DataViewRowCursor, Delegate>?[parent.Schema.Count];
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override bool MoveNext()
        {
            while (true)
            {
                if (_inner is not null && _inner.MoveNext())
                {
                    _position++;
                    return true;
                }
                _inner?.Dispose();
                _inner = null;
                if (_next == _order.Length)
                    return false;
                int shard = _order[_next++];
                var view = _parent._shards[shard];
                _inner = view.GetRowCursor(_columns.Select(c => view.Schema[c.Index]), _random is null ? null : new Random(_random.Next()));
                _shardIndex = (ulong)shard;
                _innerId = _inner.GetIdGetter();
                for (int c = 0; c < _binders.Length; c++)
                    if (_binders[c] is { } bind)
                        _getters[c] = bind(_inner);
            }
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
            int index = column.Index;
            if (_binders[index] is null)
            {
                _binders[index] = cursor => cursor.GetGetter<TValue>(cursor.Schema[index]);
                if (_inner is not null)
                    _getters[index] = _binders[index]!(_inner);
            }
            return (ref TValue value) => ((ValueGetter<TValue>)_getters[index]!)(ref value);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) =>
        {
            DataViewRowId inner = default;
            _innerId!(ref inner);
            // The binary loader numbers rows from 0 in each file (high word 0): the shard's index makes them distinct.
            id = new DataViewRowId(inner.Low, inner.High + (_shardIndex << 32));
        };

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner?.Dispose();
                _inner = null;
            }
            base.Dispose(disposing);
        }
    }
}
