using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Teacher outputs written once to a file and reused by later fits. The file name is a SHA-256 key over the teacher's
/// fingerprint (model bytes, input/output mapping, output kind) and the fingerprints of every row the teacher reads, in
/// order: another teacher, other data, or the same data in another order gets another key.
/// <para>
/// The file holds a header, each row's fingerprint, the outputs, and a SHA-256 of everything before it. It is read whole
/// and closed at once (no file stays open or locked while a model lives), then checked: checksum, size, and each stored
/// fingerprint against the data's. A damaged, truncated or foreign file is reported through the context's log, naming the
/// file, and recomputed (or, with <c>FailOnDamagedCache</c>, refused). When the data is read for training, each row's
/// fingerprint is compared with the stored one again, so a source that changes its row order between passes fails loudly.
/// </para>
/// </summary>
internal static class TeacherOutputCache
{
    private static ReadOnlySpan<byte> Magic => "MLNDTCH2"u8;
    private const int HeaderBytes = 8 + 8 + 4; // magic, rows, outputs per row
    private const int ChecksumBytes = 32;

    public static TeacherBinding Bind(Teacher teacher, TeacherBinding binding, IDataView input,
        IReadOnlyList<DataViewSchema.Column> fingerprintColumns, string directory, int blockSize, IChannel? channel, bool failOnDamage)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"The teacher cache folder '{directory}' does not exist.");
        var fingerprints = Fingerprints(input, fingerprintColumns);
        string key = Teacher.Digest("teacher-outputs-v2", teacher.Fingerprint(), SHA256.HashData(MemoryMarshal.AsBytes(fingerprints.AsSpan())),
            string.Join(",", fingerprintColumns.Select(c => $"{c.Name}:{c.Type}")), binding.RowWidth);
        string path = Path.Combine(directory, $"teacher-outputs-{key[..32]}.bin");
        float[]? outputs = null;
        if (File.Exists(path))
        {
            string? problem = TryRead(path, fingerprints, binding.RowWidth, out outputs);
            if (problem is not null)
            {
                if (failOnDamage)
                    throw new InvalidDataException($"The teacher cache file '{path}' {problem}. Delete it to recompute, or leave FailOnDamagedCache off to recompute automatically.");
                channel?.Warning(MessageSensitivity.None, $"The teacher cache file '{path}' {problem}; recomputing the teacher's outputs and rewriting it.");
                outputs = null;
            }
        }
        if (outputs is null)
        {
            outputs = Score(binding, input, fingerprintColumns, fingerprints, blockSize);
            Write(path, fingerprints, outputs, binding.RowWidth);
        }
        return new CachedBinding(binding, fingerprints, outputs, path);
    }

    private static ulong[] Fingerprints(IDataView input, IReadOnlyList<DataViewSchema.Column> columns)
    {
        var result = new List<ulong>((int)Math.Min(input.GetRowCount() ?? 1024, Array.MaxLength));
        result.AddRange(RowFingerprint.OfRows(input, columns));
        return result.ToArray();
    }

    private static float[] Score(TeacherBinding binding, IDataView input, IReadOnlyList<DataViewSchema.Column> columns, ulong[] expected,
        int blockSize)
    {
        int k = binding.RowWidth;
        var outputs = new float[(long)expected.Length * k];
        var block = new float[blockSize * k];
        var ids = new DataViewRowId[blockSize];
        var fingerprints = new ulong[blockSize];
        using var reader = binding.CreateReader(input, columns);
        int row = 0;
        for (int read; (read = reader.Read(blockSize, block, ids, fingerprints)) > 0; row += read)
        {
            if (row + read > expected.Length || !fingerprints.AsSpan(0, read).SequenceEqual(expected.AsSpan(row, read)))
                throw new InvalidOperationException(NotRepeatable);
            block.AsSpan(0, read * k).CopyTo(outputs.AsSpan(row * k));
        }
        if (row != expected.Length)
            throw new InvalidOperationException(NotRepeatable);
        return outputs;
    }

    internal const string NotRepeatable = "The data gave other rows (or the same rows in another order) on a second pass. The teacher's outputs are paired with " +
        "rows by reading the data twice, so it must give the same rows in the same order every time: cache it first (mlContext.Data.Cache), " +
        "or fix the source's order (a database query needs ORDER BY).";

    private static void Write(string path, ulong[] fingerprints, float[] outputs, int outputCount)
        => AtomicFile.Write(path, stream =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Put(ReadOnlySpan<byte> bytes)
            {
                stream.Write(bytes);
                sha.AppendData(bytes);
            }
            Span<byte> header = stackalloc byte[HeaderBytes];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], fingerprints.Length);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], outputCount);
            Put(header);
            Put(MemoryMarshal.AsBytes(fingerprints.AsSpan()));
            Put(MemoryMarshal.AsBytes(outputs.AsSpan()));
            stream.Write(sha.GetHashAndReset());
        });

    /// <summary>Reads and checks a cache file; returns null when it is sound, else what is wrong with it.</summary>
    private static string? TryRead(string path, ulong[] fingerprints, int outputCount, out float[]? outputs)
    {
        outputs = null;
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"could not be read ({e.Message})"; }
        if (bytes.Length < HeaderBytes + ChecksumBytes || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            return "is not a teacher cache file of this version";
        long rows = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
        int outputsPerRow = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16));
        long expected = HeaderBytes + rows * 8 + rows * outputsPerRow * 4L + ChecksumBytes;
        if (rows < 0 || outputsPerRow <= 0 || bytes.Length != expected)
            return $"is truncated or padded ({bytes.Length:N0} bytes where its header promises {expected:N0})";
        int body = bytes.Length - ChecksumBytes;
        if (!SHA256.HashData(bytes.AsSpan(0, body)).AsSpan().SequenceEqual(bytes.AsSpan(body)))
            return "is damaged (its checksum does not match its contents)";
        if (rows != fingerprints.Length || outputsPerRow != outputCount)
            return $"holds {rows:N0} rows of {outputsPerRow} outputs, but the data has {fingerprints.Length:N0} rows and the teacher {outputCount} outputs";
        var stored = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan(HeaderBytes, (int)(rows * 8)));
        if (!stored.SequenceEqual(fingerprints))
            return "holds other rows, or the same rows in another order, than the data";
        outputs = MemoryMarshal.Cast<byte, float>(bytes.AsSpan((int)(HeaderBytes + rows * 8), (int)(rows * outputsPerRow * 4))).ToArray();
        return null;
    }

    /// <summary>Serves outputs from memory; a cursor over the input supplies row ids and fingerprints, checked against the file's.</summary>
    private sealed class CachedBinding(TeacherBinding inner, ulong[] fingerprints, float[] outputs, string path) : TeacherBinding
    {
        public override int ClassCount => inner.ClassCount;
        public override IReadOnlyList<int> IntermediateWidths => inner.IntermediateWidths;
        public override ReadOnlyMemory<char>[]? ClassNames => inner.ClassNames;
        public override bool OutputKindStated => inner.OutputKindStated;
        public override IReadOnlyList<DataViewSchema.Column>? InputColumns => inner.InputColumns;

        public override TeacherBlockReader CreateReader(IDataView input, IReadOnlyList<DataViewSchema.Column> fingerprintColumns)
        {
            var (cursor, fingerprint) = OpenCursor(input, [], fingerprintColumns);
            return new Reader(cursor, fingerprint, fingerprints, outputs, RowWidth, path);
        }
    }

    private sealed class Reader(DataViewRowCursor input, RowFingerprint fingerprint, ulong[] stored, float[] outputs, int classes, string path)
        : TeacherBlockReader
    {
        private readonly ValueGetter<DataViewRowId> _id = input.GetIdGetter();
        private long _row;

        public override int Read(int rows, Span<float> logits, Span<DataViewRowId> ids, Span<ulong> fingerprints)
        {
            int read = 0;
            while (read < rows && input.MoveNext())
            {
                if (_row >= stored.Length)
                    throw new InvalidOperationException(
                        $"The data has more rows than when the teacher cache file '{path}' was checked. " + NotRepeatable);
                ulong current = fingerprint.Current();
                if (current != stored[_row])
                    throw new InvalidOperationException(
                        $"Row {_row} differs from the row the teacher cache file '{path}' holds at that position. " + NotRepeatable);
                _id(ref ids[read]);
                fingerprints[read] = current;
                outputs.AsSpan((int)(_row * classes), classes).CopyTo(logits.Slice(read * classes, classes));
                read++;
                _row++;
            }
            return read;
        }

        public override bool Skip(long rows)
        {
            for (long i = 0; i < rows; i++, _row++)
                if (!input.MoveNext())
                    return false;
            return true;
        }

        public override void Dispose() => input.Dispose();
    }
}
