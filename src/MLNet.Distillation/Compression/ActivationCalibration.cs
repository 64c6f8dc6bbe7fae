namespace MLNet.Distillation;

/// <summary>
/// Measures the range of chosen activations of a float student over calibration rows (<see cref="FloatForward"/>): the
/// minimum and maximum, or with a percentile below 100 the values at (100 − p)/2 % and (100 + p)/2 % of the sorted
/// values (nearest rank), so rare outliers do not stretch the grid.
/// </summary>
internal static class ActivationCalibration
{
    /// <summary>The range of the output of each layer in <paramref name="points"/> (−1: the network input).</summary>
    public static Dictionary<int, (float Min, float Max)> Measure(IReadOnlyList<StudentLayer> layers, IEnumerable<float[]> rows,
        IReadOnlyCollection<int> points, double percentile)
    {
        bool keepValues = percentile < 100;
        var min = points.ToDictionary(p => p, _ => float.PositiveInfinity);
        var max = points.ToDictionary(p => p, _ => float.NegativeInfinity);
        var values = points.ToDictionary(p => p, _ => new List<float>());
        void Record(int point, float[] output)
        {
            if (!min.ContainsKey(point))
                return;
            foreach (float v in output)
            {
                if (!float.IsFinite(v))
                    throw new InvalidOperationException($"A calibration row gives a value that is not finite ({v}) " +
                        (point < 0 ? "in the feature column." : $"after layer {point}.") + " Remove or fill such rows before quantizing.");
                min[point] = Math.Min(min[point], v);
                max[point] = Math.Max(max[point], v);
            }
            if (keepValues)
                values[point].AddRange(output);
        }
        int count = 0;
        foreach (var row in rows)
        {
            Record(-1, row);
            FloatForward.Run(layers, row, Record);
            count++;
        }
        if (count == 0)
            throw new InvalidOperationException("The calibration data has no rows.");
        if (!keepValues)
            return points.ToDictionary(p => p, p => (min[p], max[p]));

        var ranges = new Dictionary<int, (float, float)>();
        foreach (int p in points)
        {
            var sorted = values[p].ToArray();
            Array.Sort(sorted);
            double tail = (100 - percentile) / 200;   // share cut from each end
            int low = (int)Math.Floor(tail * (sorted.Length - 1)), high = (int)Math.Ceiling((1 - tail) * (sorted.Length - 1));
            ranges[p] = (sorted[low], sorted[high]);
        }
        return ranges;
    }
}
