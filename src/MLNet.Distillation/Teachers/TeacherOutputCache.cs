using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Teacher logits written once to a file in ML.NET's binary IDataView format and reused by later fits.
/// The file name is a SHA-256 key over the teacher's fingerprint (model bytes, input/output mapping, output kind)
/// and the values of every input column the teacher reads, row by row: another teacher, other data, or the same
/// data in another order gets another key, so a cached file is never silently reused for the wrong rows.
/// </summary>
internal static class TeacherOutputCache
{
    private const string FormatVersion = "teacher-logits-v1";

    /// <summary>A binding that serves logits from the cache file for <paramref name="input"/>, writing it first when absent.</summary>
    public static TeacherBinding Bind(Teacher teacher, TeacherBinding binding, IDataView input, string directory, int blockSize)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"The teacher cache folder '{directory}' does not exist.");
        string key = Teacher.Digest(FormatVersion, teacher.Fingerprint(), DataDigest(input, binding.InputColumns), binding.ClassCount);
        string path = Path.Combine(directory, $"teacher-logits-{key[..32]}.idv");
        var ml = new MLContext(seed: 0);
        if (!File.Exists(path))
            Write(ml, binding, input, path, blockSize);

        var cached = ml.Data.LoadFromBinary(path);
        var column = cached.Schema.GetColumnOrNull(Column);
        if (column?.Type is not VectorDataViewType { Size: var size } || size != binding.ClassCount)
            throw new InvalidDataException($"The teacher cache file '{path}' does not hold {binding.ClassCount} logits per row; delete it to recompute.");
        return new CachedBinding(binding, cached, column.Value);
    }

    private const string Column = "Logits";

    /// <summary>SHA-256 over the values of <paramref name="columns"/> (all columns when null), row by row.</summary>
    public static string DataDigest(IDataView input, IReadOnlyList<DataViewSchema.Column>? columns)
    {
        var selected = (columns ?? input.Schema.Where(c => !c.IsHidden).ToArray()).ToArray();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var c in selected)
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{c.Name}:{c.Type};"));
        using var cursor = input.GetRowCursor(selected);
        var appenders = selected.Select(c => MakeAppender(cursor, c, hash)).ToArray();
        long rows = 0;
        while (cursor.MoveNext())
        {
            foreach (var append in appenders)
                append();
            rows++;
        }
        hash.AppendData(BitConverter.GetBytes(rows));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static Action MakeAppender(DataViewRowCursor cursor, DataViewSchema.Column column, IncrementalHash hash)
    {
        var item = (column.Type is VectorDataViewType v ? v.ItemType : column.Type).RawType;
        bool vector = column.Type is VectorDataViewType;
        if (item == typeof(ReadOnlyMemory<char>))
        {
            if (vector)
            {
                var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
                VBuffer<ReadOnlyMemory<char>> value = default;
                return () => { getter(ref value); foreach (var text in value.DenseValues()) AppendText(hash, text); };
            }
            var scalar = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> one = default;
            return () => { scalar(ref one); AppendText(hash, one); };
        }
        if (item == typeof(float)) return Numeric<float>(cursor, column, hash, vector);
        if (item == typeof(double)) return Numeric<double>(cursor, column, hash, vector);
        if (item == typeof(uint)) return Numeric<uint>(cursor, column, hash, vector);
        if (item == typeof(int)) return Numeric<int>(cursor, column, hash, vector);
        if (item == typeof(long)) return Numeric<long>(cursor, column, hash, vector);
        if (item == typeof(ulong)) return Numeric<ulong>(cursor, column, hash, vector);
        if (item == typeof(bool)) return Numeric<bool>(cursor, column, hash, vector);
        if (item == typeof(byte)) return Numeric<byte>(cursor, column, hash, vector);
        throw new NotSupportedException($"Column '{column.Name}' ({column.Type}) cannot be fingerprinted for the teacher cache; " +
            "drop it before TeacherScore or turn the cache off.");
    }

    private static Action Numeric<T>(DataViewRowCursor cursor, DataViewSchema.Column column, IncrementalHash hash, bool vector) where T : unmanaged
    {
        if (vector)
        {
            var getter = cursor.GetGetter<VBuffer<T>>(column);
            VBuffer<T> value = default;
            T[] dense = [];
            return () =>
            {
                getter(ref value);
                if (dense.Length != value.Length) dense = new T[value.Length];
                value.CopyTo(dense);
                hash.AppendData(MemoryMarshal.AsBytes(dense.AsSpan()));
            };
        }
        var scalar = cursor.GetGetter<T>(column);
        T one = default;
        return () => { scalar(ref one); hash.AppendData(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in one))); };
    }

    private static void AppendText(IncrementalHash hash, ReadOnlyMemory<char> text)
    {
        hash.AppendData(BitConverter.GetBytes(text.Length));
        hash.AppendData(MemoryMarshal.AsBytes(text.Span));
    }

    private static void Write(MLContext ml, TeacherBinding binding, IDataView input, string path, int blockSize)
    {
        int classes = binding.ClassCount;
        var rows = new List<LogitsRow>();
        var logits = new float[blockSize * classes];
        var ids = new DataViewRowId[blockSize];
        using (var reader = binding.CreateReader(input))
        {
            int read;
            while ((read = reader.Read(blockSize, logits, ids)) > 0)
                for (int r = 0; r < read; r++)
                    rows.Add(new LogitsRow { Logits = logits.AsSpan(r * classes, classes).ToArray() });
        }
        var definition = SchemaDefinition.Create(typeof(LogitsRow));
        definition[nameof(LogitsRow.Logits)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
        var view = ml.Data.LoadFromEnumerable(rows, definition);
        AtomicFile.Write(path, stream => ml.Data.SaveAsBinary(view, stream, keepHidden: false));
    }

    private sealed class LogitsRow
    {
        public float[] Logits { get; set; } = [];
    }

    /// <summary>Serves logits from the cache file; a cursor over the input supplies the row ids, so the order check still holds.</summary>
    private sealed class CachedBinding(TeacherBinding inner, IDataView cached, DataViewSchema.Column column) : TeacherBinding
    {
        public override int ClassCount => inner.ClassCount;
        public override ReadOnlyMemory<char>[]? ClassNames => inner.ClassNames;
        public override IReadOnlyList<DataViewSchema.Column>? InputColumns => inner.InputColumns;

        public override TeacherBlockReader CreateReader(IDataView input)
            => new Reader(input.GetRowCursor([]), cached.GetRowCursor([column]), column, ClassCount);
    }

    private sealed class Reader : TeacherBlockReader
    {
        private readonly DataViewRowCursor _input, _cached;
        private readonly ValueGetter<DataViewRowId> _id;
        private readonly ValueGetter<VBuffer<float>> _logits;
        private readonly int _classes;
        private VBuffer<float> _row;

        public Reader(DataViewRowCursor input, DataViewRowCursor cached, DataViewSchema.Column column, int classes)
        {
            _input = input;
            _cached = cached;
            _id = input.GetIdGetter();
            _logits = cached.GetGetter<VBuffer<float>>(column);
            _classes = classes;
        }

        public override int Read(int rows, Span<float> logits, Span<DataViewRowId> ids)
        {
            int read = 0;
            while (read < rows && _input.MoveNext())
            {
                if (!_cached.MoveNext())
                    throw new InvalidDataException("The teacher cache file has fewer rows than the data; delete it to recompute.");
                _id(ref ids[read]);
                _logits(ref _row);
                _row.CopyTo(logits.Slice(read * _classes, _classes));
                read++;
            }
            return read;
        }

        public override bool Skip(long rows) => SkipRows(_input, rows) && SkipRows(_cached, rows);

        public override void Dispose()
        {
            _input.Dispose();
            _cached.Dispose();
        }
    }
}
