namespace MLNet.Distillation;

/// <summary>
/// Per-column mean and standard deviation of a row-major table, and the in-place map <c>(x − mean) / std</c>. Used for the
/// student's inputs (when its architecture standardises them) and for regression targets. A column with no spread is only
/// centred (std taken as 1); NaN entries (rows without label) are skipped when fitting and left NaN when applying.
/// The trained network sees standardised values; <see cref="LayerFolding"/> moves the map into the exported weights.
/// </summary>
internal sealed class ColumnStandardization
{
    private ColumnStandardization(double[] mean, double[] std)
    {
        Mean = mean;
        Std = std;
    }

    public double[] Mean { get; }

    public double[] Std { get; }

    public int Columns => Mean.Length;

    public static ColumnStandardization Fit(float[] values, long rows, int columns)
    {
        // Two passes in double: exact enough for millions of rows, and no catastrophic cancellation.
        var sum = new double[columns];
        var count = new long[columns];
        for (long r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                float v = values[r * columns + c];
                if (float.IsNaN(v)) continue;
                sum[c] += v;
                count[c]++;
            }
        var mean = new double[columns];
        for (int c = 0; c < columns; c++)
            mean[c] = count[c] > 0 ? sum[c] / count[c] : 0;
        var squares = new double[columns];
        for (long r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                float v = values[r * columns + c];
                if (float.IsNaN(v)) continue;
                double d = v - mean[c];
                squares[c] += d * d;
            }
        var std = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            double s = count[c] > 1 ? Math.Sqrt(squares[c] / count[c]) : 0;
            // Below this the column is constant up to float rounding: dividing would only amplify noise.
            std[c] = s > 1e-6 * Math.Max(1, Math.Abs(mean[c])) ? s : 1;
        }
        return new ColumnStandardization(mean, std);
    }

    /// <summary>Applies <c>(x − mean) / std</c> in place to a row-major table of <see cref="Columns"/> columns.</summary>
    public void Apply(float[] values, long rows)
    {
        int columns = Columns;
        var scale = Std.Select(s => 1 / s).ToArray();
        for (long r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                long i = r * columns + c;
                values[i] = (float)((values[i] - Mean[c]) * scale[c]);
            }
    }
}
