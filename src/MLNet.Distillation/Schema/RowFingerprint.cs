using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A 64-bit fingerprint of the values of some columns of the current row: deterministic (the same values give the same
/// fingerprint in every process, so cache files can store them) and cheap (eight bytes per multiply, four multiplies in flight). The teacher stage
/// fingerprints each row where the teacher reads it and again where the trainer reads the teacher's outputs; a
/// difference means the data source gave its rows in another order on the second pass, which row ids (positions) cannot show.
/// </summary>
internal sealed class RowFingerprint
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL, Prime2 = 0xC2B2AE3D27D4EB4FUL, Prime3 = 0x165667B19E3779F9UL;

    private readonly Func<ulong, ulong>[] _columns;

    /// <param name="row">A row (or cursor) on which every column of <paramref name="columns"/> is active.</param>
    /// <param name="columns">The columns to fingerprint (see <see cref="Columns"/>).</param>
    public RowFingerprint(DataViewRow row, IReadOnlyList<DataViewSchema.Column> columns)
        => _columns = columns.Select(c => Appender(row, row.Schema[c.Index])).ToArray();

    /// <summary>The columns to fingerprint: the teacher's inputs when known, else every visible column of a type that can be hashed.</summary>
    public static DataViewSchema.Column[] Columns(DataViewSchema schema, IReadOnlyList<DataViewSchema.Column>? teacherInputs)
        => (teacherInputs ?? schema.Where(c => !c.IsHidden).ToArray()).Where(c => Hashable(c.Type)).ToArray();

    /// <summary>The fingerprint of every row of <paramref name="data"/>, in its order (one cursor over <paramref name="columns"/>).</summary>
    /// <param name="data">The rows.</param>
    /// <param name="columns">The columns to fingerprint (see <see cref="Columns"/>).</param>
    public static IEnumerable<ulong> OfRows(IDataView data, IReadOnlyList<DataViewSchema.Column> columns)
    {
        using var cursor = data.GetRowCursor(columns);
        var fingerprint = new RowFingerprint(cursor, columns);
        while (cursor.MoveNext())
            yield return fingerprint.Current();
    }

    /// <summary>The fingerprint of the row's current values.</summary>
    public ulong Current()
    {
        ulong hash = Prime3;
        foreach (var column in _columns)
            hash = column(hash);
        return Finish(hash);
    }

    /// <summary>
    /// The fingerprint of a row already read into a training table: its dense features (or its sparse row's slots and
    /// values) and its label, hashed as they are stored, so the source's getters are not called a second time.
    /// </summary>
    /// <param name="table">The table holding the row.</param>
    /// <param name="row">The row's index in <paramref name="table"/>.</param>
    public static ulong Of(TrainingTable table, int row)
    {
        ulong hash = Prime3;
        if (table.SparseFeatures is { } sparse)
        {
            var (slots, values) = sparse.Get(row);
            hash = Bytes(Bytes(hash, MemoryMarshal.AsBytes(slots)), MemoryMarshal.AsBytes(values));
        }
        else
            hash = Bytes(hash, MemoryMarshal.AsBytes((ReadOnlySpan<float>)table.Features!.Row(row)));
        return Finish(Bytes(hash, MemoryMarshal.AsBytes(new ReadOnlySpan<float>(in table.Labels[row]))));
    }

    private static bool Hashable(DataViewType type)
    {
        var item = type is VectorDataViewType vector ? vector.ItemType : type;
        return item is TextDataViewType or BooleanDataViewType or KeyDataViewType || item is NumberDataViewType;
    }

    private static Func<ulong, ulong> Appender(DataViewRow row, DataViewSchema.Column column)
    {
        var item = (column.Type is VectorDataViewType v ? v.ItemType : column.Type).RawType;
        bool vector = column.Type is VectorDataViewType;
        if (item == typeof(ReadOnlyMemory<char>))
        {
            if (vector)
            {
                var getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
                VBuffer<ReadOnlyMemory<char>> value = default;
                return h => { getter(ref value); foreach (var text in value.DenseValues()) h = Text(h, text.Span); return h; };
            }
            var scalar = row.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> one = default;
            return h => { scalar(ref one); return Text(h, one.Span); };
        }
        if (item == typeof(float)) return Numeric<float>(row, column, vector);
        if (item == typeof(double)) return Numeric<double>(row, column, vector);
        if (item == typeof(uint)) return Numeric<uint>(row, column, vector);
        if (item == typeof(int)) return Numeric<int>(row, column, vector);
        if (item == typeof(long)) return Numeric<long>(row, column, vector);
        if (item == typeof(ulong)) return Numeric<ulong>(row, column, vector);
        if (item == typeof(short)) return Numeric<short>(row, column, vector);
        if (item == typeof(ushort)) return Numeric<ushort>(row, column, vector);
        if (item == typeof(byte)) return Numeric<byte>(row, column, vector);
        if (item == typeof(sbyte)) return Numeric<sbyte>(row, column, vector);
        if (item == typeof(bool)) return Numeric<bool>(row, column, vector);
        throw new NotSupportedException($"Column '{column.Name}' ({column.Type}) cannot be fingerprinted.");
    }

    private static Func<ulong, ulong> Numeric<T>(DataViewRow row, DataViewSchema.Column column, bool vector) where T : unmanaged
    {
        if (vector)
        {
            var getter = row.GetGetter<VBuffer<T>>(column);
            VBuffer<T> value = default;
            T[] dense = [];
            return h =>
            {
                getter(ref value);
                // A dense buffer is hashed where it lies; a sparse one is expanded first, so the same values give the same
                // bytes either way.
                if (value.IsDense)
                    return Bytes(h, MemoryMarshal.AsBytes(value.GetValues()));
                if (dense.Length != value.Length) dense = new T[value.Length];
                value.CopyTo(dense);
                return Bytes(h, MemoryMarshal.AsBytes(dense.AsSpan()));
            };
        }
        var scalar = row.GetGetter<T>(column);
        T one = default;
        return h => { scalar(ref one); return Bytes(h, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in one))); };
    }

    private static ulong Text(ulong hash, ReadOnlySpan<char> text) => Bytes(hash ^ (ulong)text.Length * Prime2, MemoryMarshal.AsBytes(text));

    /// <summary>
    /// Mixes bytes into the hash, eight at a time (the round of xxHash64), in four independent lanes over each 32 bytes:
    /// one lane is a chain of dependent multiplies, and four let the processor overlap them (a 784-pixel row hashes about
    /// 3× faster, which TeacherScore's throughput shows: every row is fingerprinted where the teacher reads it).
    /// </summary>
    private static ulong Bytes(ulong hash, ReadOnlySpan<byte> bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        int w = 0;
        if (words.Length >= 4)
        {
            ulong a = hash + Prime1, b = hash + Prime2, c = hash, d = hash - Prime1;
            for (; w + 4 <= words.Length; w += 4)
            {
                a = BitOperations.RotateLeft(a ^ words[w] * Prime2, 31) * Prime1;
                b = BitOperations.RotateLeft(b ^ words[w + 1] * Prime2, 31) * Prime1;
                c = BitOperations.RotateLeft(c ^ words[w + 2] * Prime2, 31) * Prime1;
                d = BitOperations.RotateLeft(d ^ words[w + 3] * Prime2, 31) * Prime1;
            }
            hash = BitOperations.RotateLeft(a, 1) + BitOperations.RotateLeft(b, 7) + BitOperations.RotateLeft(c, 12)
                + BitOperations.RotateLeft(d, 18);
            foreach (ulong lane in (ReadOnlySpan<ulong>)[a, b, c, d])
                hash = (hash ^ BitOperations.RotateLeft(lane * Prime2, 31) * Prime1) * Prime1 + Prime3;
        }
        for (; w < words.Length; w++)
            hash = BitOperations.RotateLeft(hash ^ words[w] * Prime2, 31) * Prime1;
        for (int i = bytes.Length & ~7; i < bytes.Length; i++)
            hash = BitOperations.RotateLeft(hash ^ bytes[i] * Prime3, 11) * Prime1;
        return BitOperations.RotateLeft(hash ^ (ulong)bytes.Length, 27) * Prime1;
    }

    private static ulong Finish(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= Prime2;
        hash ^= hash >> 29;
        hash *= Prime3;
        return hash ^ (hash >> 32);
    }
}
