namespace MLNet.Distillation;

/// <summary>
/// Rows of floats (features, teacher outputs) stored row-major in chunks of at most <see cref="ChunkElements"/> values.
/// Chunks instead of one array: a .NET array holds at most 2³¹ values (2.7 million Fashion-MNIST rows), growing one array
/// copies it and briefly holds it twice, and one chunk's worth is the most a table ever over-allocates. Rows are read by
/// index (<see cref="Row"/>) and gathered into a caller's buffer (<see cref="Gather"/>); no row spans two chunks.
/// </summary>
internal sealed class FloatRows
{
    /// <summary>Values per full chunk: 16 MB, small enough for any heap and large enough that chunk lookups cost nothing.</summary>
    public const int ChunkElements = 1 << 22;

    private readonly List<float[]> _chunks = [];
    private readonly int _shift;
    private readonly int _mask;
    private readonly int? _expectedRows;

    /// <param name="width">Values per row.</param>
    /// <param name="expectedRows">The row count when known beforehand: the first chunk is then allocated at its final size.</param>
    public FloatRows(int width, long? expectedRows = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;
        // A power of two rows per chunk turns the chunk lookup into a shift and a mask.
        int rowsPerChunk = Math.Max(1, ChunkElements / width);
        _shift = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)rowsPerChunk);
        RowsPerChunk = 1 << _shift;
        _mask = RowsPerChunk - 1;
        _expectedRows = expectedRows is long n and > 0 ? (int)Math.Min(n, int.MaxValue) : null;
    }

    /// <summary>Values per row.</summary>
    public int Width { get; }

    /// <summary>Rows held.</summary>
    public int Count { get; private set; }

    /// <summary>Rows per full chunk (a power of two).</summary>
    public int RowsPerChunk { get; }

    /// <summary>The bytes the chunks occupy (allocated, not only filled).</summary>
    public long AllocatedBytes => _chunks.Sum(c => (long)c.Length) * sizeof(float);

    /// <summary>The values of row <paramref name="row"/>, writable.</summary>
    public Span<float> Row(int row) => _chunks[row >> _shift].AsSpan((row & _mask) * Width, Width);

    /// <summary>Appends a row and returns its values to fill (uninitialised: the caller writes every value).</summary>
    public Span<float> AppendRow()
    {
        if (Count == int.MaxValue)
            throw new InvalidOperationException($"A training table holds at most {int.MaxValue:N0} rows; train on more with Options.Streaming.");
        int chunk = Count >> _shift, offset = (Count & _mask) * Width;
        if (chunk == _chunks.Count)
            _chunks.Add(GC.AllocateUninitializedArray<float>(FirstCapacity(chunk)));
        else if (offset + Width > _chunks[chunk].Length)
        {
            // Only a chunk allocated below full size (row count unknown) grows, by doubling, up to the full size.
            var grown = GC.AllocateUninitializedArray<float>((int)Math.Min((long)RowsPerChunk * Width,
                Math.Max(2L * _chunks[chunk].Length, offset + Width)));
            _chunks[chunk].AsSpan(0, offset).CopyTo(grown);
            _chunks[chunk] = grown;
        }
        Count++;
        return _chunks[chunk].AsSpan(offset, Width);
    }

    /// <summary>Forgets every row but keeps the chunks, so that refilling allocates nothing (streaming blocks).</summary>
    public void Clear() => Count = 0;

    /// <summary>Copies the rows at <paramref name="rows"/>, in that order, into <paramref name="destination"/> (row-major).</summary>
    public void Gather(ReadOnlySpan<int> rows, Span<float> destination)
    {
        int width = Width;
        if (destination.Length < rows.Length * width)
            throw new ArgumentException("The destination is shorter than the rows to gather.", nameof(destination));
        for (int i = 0; i < rows.Length; i++)
            Row(rows[i]).CopyTo(destination.Slice(i * width, width));
    }

    /// <summary>The filled part of every chunk, in row order (for passes over all values: statistics, scaling, hashing).</summary>
    public IEnumerable<Memory<float>> FilledChunks()
    {
        for (int c = 0, remaining = Count; remaining > 0; c++)
        {
            int rows = Math.Min(remaining, RowsPerChunk);
            yield return _chunks[c].AsMemory(0, rows * Width);
            remaining -= rows;
        }
    }

    private int FirstCapacity(int chunk)
    {
        long full = (long)RowsPerChunk * Width;
        if (_expectedRows is int expected)
            return (int)Math.Min(full, Math.Max(1L, expected - (long)chunk * RowsPerChunk) * Width);
        // Unknown count: start small (a table of ten rows should not take 16 MB) and double up to the full size.
        return (int)Math.Min(full, 1024L * Width);
    }
}
