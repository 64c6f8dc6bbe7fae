namespace MLNet.Distillation;

/// <summary>
/// Running per-column count, mean and spread, fed one row at a time (NaN values skipped). Sums are kept in double and
/// shifted by each column's first value, so that a column far from zero (a year, a price) loses no precision to
/// cancellation; exact to ~1e-12 relative for any realistic table.
/// </summary>
internal sealed class ColumnStatistics(int columns)
{
    private readonly double[] _shift = new double[columns];
    private readonly double[] _sum = new double[columns];
    private readonly double[] _squares = new double[columns];
    private readonly long[] _count = new long[columns];

    public int Columns { get; } = columns;

    public void Add(ReadOnlySpan<float> row)
    {
        for (int c = 0; c < row.Length; c++)
        {
            float v = row[c];
            if (float.IsNaN(v)) continue;
            if (_count[c] == 0) _shift[c] = v;
            double d = v - _shift[c];
            _sum[c] += d;
            _squares[c] += d * d;
            _count[c]++;
        }
    }

    public ColumnStandardization ToStandardization()
    {
        var mean = new double[Columns];
        var std = new double[Columns];
        for (int c = 0; c < Columns; c++)
        {
            long n = _count[c];
            double shiftedMean = n > 0 ? _sum[c] / n : 0;
            mean[c] = _shift[c] + shiftedMean;
            double s = n > 1 ? Math.Sqrt(Math.Max(0, _squares[c] / n - shiftedMean * shiftedMean)) : 0;
            // Below this the column is constant up to float rounding: dividing would only amplify noise.
            std[c] = s > 1e-6 * Math.Max(1, Math.Abs(mean[c])) ? s : 1;
        }
        return new ColumnStandardization(mean, std);
    }
}
