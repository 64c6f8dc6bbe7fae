using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Tests.Support;

/// <summary>
/// A source that gives its rows in another order on every pass, numbering them by position: what a database query
/// without ORDER BY or a shuffled enumerable does. Row ids cannot tell the passes apart; only the values can.
/// </summary>
internal sealed class ReshufflingDataView(IDataView inner) : IDataView
{
    private readonly IDataView _rows = inner;
    private int _passes;

    public bool CanShuffle => false;
    public DataViewSchema Schema => _rows.Schema;
    public long? GetRowCount() => _rows.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int pass = Interlocked.Increment(ref _passes);
        // The first pass keeps the file order; every later pass swaps two rows near the start.
        return new Cursor(_rows.GetRowCursor(_rows.Schema), pass == 1 ? null : (1 + pass % 3, 4 + pass % 5));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded)];

    /// <summary>Buffers every row of the source and serves them with two positions swapped.</summary>
    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewSchema _schema;
        private readonly List<object?[]> _rows = [];
        private long _position = -1;

        public Cursor(DataViewRowCursor source, (int A, int B)? swap)
        {
            _schema = source.Schema;
            var readers = _schema.Select(c => MakeReader(source, c)).ToArray();
            while (source.MoveNext())
                _rows.Add(readers.Select(r => r()).ToArray());
            source.Dispose();
            if (swap is var (a, b) && b < _rows.Count)
                (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
        }

        private static Func<object?> MakeReader(DataViewRowCursor source, DataViewSchema.Column column)
        {
            var method = typeof(Cursor).GetMethod(nameof(Read), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(column.Type.RawType);
            return (Func<object?>)method.Invoke(null, [source, column])!;
        }

        private static Func<object?> Read<T>(DataViewRowCursor source, DataViewSchema.Column column)
        {
            var getter = source.GetGetter<T>(column);
            return () =>
            {
                T value = default!;
                getter(ref value);
                return value is VBuffer<float> v ? new VBuffer<float>(v.Length, v.DenseValues().ToArray()) : value;
            };
        }

        public override DataViewSchema Schema => _schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => true;
        public override bool MoveNext() => ++_position < _rows.Count;
        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            => (ref TValue value) => value = (TValue)_rows[(int)_position][column.Index]!;
    }
}
