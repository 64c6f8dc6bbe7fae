namespace MLNet.Distillation;

/// <summary>
/// Per-column mean and standard deviation of a row-major table, and the in-place map <c>(x − mean) / std</c>. Used for the
/// student's inputs (when its architecture standardises them) and for regression targets. A column with no spread is only
/// centred (std taken as 1); NaN entries (rows without label) are skipped when fitting and left NaN when applying.
/// The trained network sees standardised values; <see cref="LayerFolding"/> moves the map into the exported weights.
/// Fitted from a <see cref="ColumnStatistics"/> fed one row at a time, so a streamed table is fitted in one pass.
/// </summary>
internal sealed class ColumnStandardization
{
    private readonly float[] _mean;
    private readonly float[] _scale;

    internal ColumnStandardization(double[] mean, double[] std)
    {
        Mean = mean;
        Std = std;
        _mean = mean.Select(m => (float)m).ToArray();
        _scale = std.Select(s => (float)(1 / s)).ToArray();
    }

    public double[] Mean { get; }

    public double[] Std { get; }

    public int Columns => Mean.Length;

    /// <summary>Statistics of the first <paramref name="rows"/> rows of a row-major array.</summary>
    public static ColumnStandardization Fit(float[] values, long rows, int columns)
    {
        var statistics = new ColumnStatistics(columns);
        for (long r = 0; r < rows; r++)
            statistics.Add(values.AsSpan((int)(r * columns), columns));
        return statistics.ToStandardization();
    }

    /// <summary>Applies <c>(x − mean) / std</c> in place to the first <paramref name="rows"/> rows of a row-major array.</summary>
    public void Apply(float[] values, long rows) => Apply(values.AsSpan(0, checked((int)(rows * Columns))));

    /// <summary>Applies <c>(x − mean) / std</c> in place to whole rows of <see cref="Columns"/> values each.</summary>
    public void Apply(Span<float> rows)
    {
        int columns = Columns;
        // Vectorised per row: (x − mean) · (1/std) with float constants; the rounding differs from double arithmetic by
        // at most one ulp, and the same map is folded into the exported student in double.
        for (int start = 0; start + columns <= rows.Length; start += columns)
        {
            var row = rows.Slice(start, columns);
            System.Numerics.Tensors.TensorPrimitives.Subtract(row, _mean, row);
            System.Numerics.Tensors.TensorPrimitives.Multiply(row, _scale, row);
        }
    }

    /// <summary>
    /// Applies the map to the non-zeros of sparse rows. Only a map without centring keeps zeros at zero, so a mean other
    /// than 0 is refused (the scaling of sparse features has none: see <see cref="TrainingScaling"/>).
    /// </summary>
    public void Scale(SparseRows rows)
    {
        if (Mean.Any(m => m != 0))
            throw new InvalidOperationException("A centring standardisation cannot apply to sparse features (zeros would become non-zeros).");
        var slots = rows.Slots;
        var values = rows.Values;
        for (int k = 0; k < values.Length; k++)
            values[k] *= _scale[slots[k]];
    }

    /// <summary>Applies the map to every row of <paramref name="table"/>.</summary>
    public void Apply(FloatRows table)
    {
        foreach (var chunk in table.FilledChunks())
            Apply(chunk.Span);
    }
}
