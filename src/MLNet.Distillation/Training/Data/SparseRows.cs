using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Rows of a wide, mostly-zero feature vector (a bag of n-grams from <c>FeaturizeText</c>, hashed n-gram counts) kept as
/// their non-zero values only, in compressed-row form: row r's slots and values are <c>Slots[Starts[r] .. Starts[r + 1]]</c>
/// and <c>Values[…]</c>, slots ascending. Memory grows with the non-zeros, not with rows × width: 4,000 reviews through
/// <c>FeaturizeText</c> are 235,407 floats wide (3.8 GB dense) but hold about 2,000 non-zeros each (64 MB here).
/// </summary>
internal sealed class SparseRows
{
    private readonly Growable<int> _slots;
    private readonly Growable<float> _values;
    private readonly Growable<long> _starts;

    /// <param name="width">Slots per row (the vector's declared size).</param>
    /// <param name="expectedRows">The row count when known beforehand (sizes the row index).</param>
    public SparseRows(int width, long? expectedRows = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;
        int rows = (int)Math.Clamp(expectedRows ?? 1024, 1, Array.MaxLength - 1);
        _starts = new Growable<long>(rows + 1);
        _starts.Add(0);
        // A guess of 64 non-zeros a row, at most 16M values: growing by doubling costs less than over-allocating.
        int capacity = (int)Math.Min(rows * 64L, 1 << 24);
        _slots = new Growable<int>(capacity);
        _values = new Growable<float>(capacity);
    }

    /// <summary>Slots per row.</summary>
    public int Width { get; }

    /// <summary>Rows held.</summary>
    public int Count => _starts.Count - 1;

    /// <summary>Non-zero values held, over all rows.</summary>
    public long NonZeros => _slots.Count;

    /// <summary>The most non-zero values any row appended to this table has held (cleared rows included: streaming blocks).</summary>
    public int MaximumRowNonZeros { get; private set; }

    /// <summary>The bytes the row index, slots and values occupy (filled part).</summary>
    public long Bytes => _starts.Count * sizeof(long) + NonZeros * (sizeof(int) + sizeof(float));

    /// <summary>Every non-zero slot, row after row.</summary>
    public Span<int> Slots => _slots.AsSpan();

    /// <summary>Every non-zero value, row after row (writable: scaling applies in place).</summary>
    public Span<float> Values => _values.AsSpan();

    /// <summary>Where each row starts in <see cref="Slots"/> and <see cref="Values"/>, and where the last one ends (Count + 1 entries).</summary>
    public ReadOnlySpan<long> Starts => _starts.AsSpan();

    /// <summary>The slots and values of row <paramref name="row"/>.</summary>
    public Row Get(int row)
    {
        long start = _starts[row], end = _starts[row + 1];
        return new Row(_slots.AsSpan().Slice((int)start, (int)(end - start)), _values.AsSpan().Slice((int)start, (int)(end - start)));
    }

    /// <summary>One row's slots (ascending) and values.</summary>
    public readonly ref struct Row(ReadOnlySpan<int> slots, ReadOnlySpan<float> values)
    {
        public ReadOnlySpan<int> Slots { get; } = slots;

        public ReadOnlySpan<float> Values { get; } = values;

        public void Deconstruct(out ReadOnlySpan<int> slots, out ReadOnlySpan<float> values)
        {
            slots = Slots;
            values = Values;
        }
    }

    /// <summary>
    /// Appends <paramref name="row"/> (sparse or dense: a dense buffer's zeros are dropped), checking its length and that
    /// every value is finite; <paramref name="column"/> and <paramref name="position"/> name the culprit in errors.
    /// </summary>
    public void Append(in VBuffer<float> row, string column, long position)
    {
        TrainingTable.CheckLength(row.Length, Width, column, position);
        var values = row.GetValues();
        if (NonZeros + values.Length > Array.MaxLength)
            throw new InvalidOperationException($"Column '{column}' holds more than {Array.MaxLength:N0} non-zero values over the training rows (at row {position}); " +
                "train on fewer rows at once with Options.Streaming.");
        // One pass checks every entry (a dense buffer's slot is its position); a second copies the non-zeros.
        bool dense = row.IsDense;
        var indices = dense ? default : row.GetIndices();
        int kept = 0;
        for (int i = 0, previous = -1; i < values.Length; i++)
        {
            int slot = dense ? i : indices[i];
            // VBuffer's contract: indices strictly increasing and inside the vector. A buffer that breaks it would put
            // values in the wrong slots without a word.
            if (slot <= previous || slot >= Width)
                throw new InvalidOperationException($"Column '{column}' hands out a sparse row {position} whose slot indices are not strictly increasing " +
                    $"below {Width:N0} (index {slot} after {previous}). The data source does not keep to ML.NET's VBuffer contract.");
            previous = slot;
            if (!float.IsFinite(values[i]))
                throw new InvalidOperationException($"Column '{column}' holds {values[i]} at row {position}, slot {slot}. " +
                    "The student needs finite values: fill missing values first (e.g. mlContext.Transforms.ReplaceMissingValues).");
            if (values[i] != 0)
                kept++;
        }
        var slots = _slots.AddSpan(kept);
        var keptValues = _values.AddSpan(kept);
        for (int i = 0, k = 0; i < values.Length; i++)
            if (values[i] != 0)
            {
                slots[k] = dense ? i : indices[i];
                keptValues[k++] = values[i];
            }
        MaximumRowNonZeros = Math.Max(MaximumRowNonZeros, kept);
        _starts.Add(_slots.Count);
    }

    /// <summary>Forgets every row but keeps the buffers (streaming reuses one table per block).</summary>
    public void Clear()
    {
        _slots.Clear();
        _values.Clear();
        _starts.Clear();
        _starts.Add(0);
    }
}
