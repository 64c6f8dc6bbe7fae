using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Whether a source that streaming cannot shuffle holds its rows in an order that shuffling within blocks cannot undo:
/// sorted by label, or drifting (by time, by region). Each block's labels are compared with the whole set's: classes by
/// the total-variation distance between the block's class shares and the overall shares, values by how far the block's
/// mean lies from the overall mean in standard deviations. Blocks of a shuffled source differ from the whole by sampling
/// noise only (about √(classes / rows)); sorted data differs by most of the range. A student trained block after block
/// on such data learns the last blocks best, so the Fit says so.
/// </summary>
/// <param name="task">The task: classes are compared by their shares, values by their mean.</param>
/// <param name="outputCount">The student's outputs per row (a multiclass label's class count).</param>
internal sealed class BlockOrderCheck(TrainingTask task, int outputCount)
{
    /// <summary>Mean distance above which the order is reported.</summary>
    public const double Threshold = 0.25;

    private readonly List<double[]> _blocks = []; // per block: class counts, or [count, sum, sum of squares] of the labels
    private readonly bool _classes = task.IsClassification;
    private readonly int _width = task.IsClassification ? task.ClassCount(outputCount) : 3;

    public void Add(TrainingTable block)
    {
        var counts = new double[_width];
        foreach (float y in block.Labels.AsSpan())
        {
            if (float.IsNaN(y)) continue;
            if (_classes)
                counts[Math.Clamp((int)y, 0, _width - 1)]++;
            else
            {
                counts[0]++;
                counts[1] += y;
                counts[2] += (double)y * y;
            }
        }
        _blocks.Add(counts);
    }

    /// <summary>A warning naming the label column when the blocks differ from the whole by more than <see cref="Threshold"/>, or null.</summary>
    public string? Warning(int blockRows, string labelColumn)
    {
        var blocks = _blocks.Where(b => (_classes ? b.Sum() : b[0]) >= 30).ToList();
        if (blocks.Count < 2)
            return null;
        var total = new double[_width];
        foreach (var b in blocks)
            for (int i = 0; i < _width; i++) total[i] += b[i];
        double distance;
        string measure;
        if (_classes)
        {
            double all = total.Sum();
            distance = blocks.Average(b => 0.5 * Enumerable.Range(0, _width).Sum(i => Math.Abs(b[i] / b.Sum() - total[i] / all)));
            measure = "the blocks' class shares differ from the whole set's by a total-variation distance of";
        }
        else
        {
            double mean = total[1] / total[0], std = Math.Sqrt(Math.Max(0, total[2] / total[0] - mean * mean));
            if (std == 0)
                return null;
            distance = blocks.Average(b => Math.Abs(b[1] / b[0] - mean) / std);
            measure = "the blocks' mean labels lie from the whole set's mean, on average, by standard deviations:";
        }
        if (distance <= Threshold)
            return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"Streaming shuffles rows only within blocks of {blockRows:N0} rows, and this data view cannot shuffle; read in its order, " +
            $"{measure} {distance:0.00} on label '{labelColumn}' (a shuffled source: about 0.0). The rows look sorted or drifting, and the " +
            $"student would learn the last blocks best. Save the rows as an ML.NET binary file (mlContext.Data.SaveAsBinary) and stream " +
            $"from mlContext.Data.LoadFromBinary, which reads in a random order; or use a larger StreamingBlockRows; or train in memory.");
    }
}
