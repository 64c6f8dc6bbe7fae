using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Scores of the units of each prunable layer (see <see cref="PruningCriterion"/>); a higher score is more important.
/// </summary>
internal static class UnitImportance
{
    /// <summary>
    /// Scores for every prunable layer. <paramref name="rows"/> (raw feature rows, <paramref name="featureCount"/> values
    /// each, row-major) are read only by <see cref="PruningCriterion.Activation"/>.
    /// </summary>
    public static IReadOnlyList<double[]> Score(IReadOnlyList<StudentLayer> layers, IReadOnlyList<PrunableLayer> prunable, PruningCriterion criterion,
        float[] rows, int featureCount)
        => criterion switch
        {
            PruningCriterion.WeightMagnitude => prunable.Select(p => IncomingL1(layers[p.Producer], p.Width)).ToList(),
            PruningCriterion.Activation => Activation(layers, prunable, MeanAbsoluteInputs(layers, prunable, rows, featureCount)),
            _ => throw new ArgumentOutOfRangeException(nameof(criterion)),
        };

    /// <summary>Σ|w| over each unit's incoming weights (bias excluded).</summary>
    public static double[] IncomingL1(StudentLayer producer, int width)
    {
        var weight = producer switch { DenseLayer d => d.Weight, Conv2dLayer c => c.Weight, _ => throw new InvalidOperationException() };
        int per = weight.Length / width;
        return Enumerable.Range(0, width).Select(u => weight.AsSpan(u * per, per).ToArray().Sum(w => Math.Abs((double)w))).ToArray();
    }

    /// <summary>
    /// From the mean absolute input each consumer sees (per input column of a dense consumer, per input channel of a
    /// convolution): <c>s_u = Σ_{c ∈ columns(u)} E|x_c| · ‖W[:, c]‖₂</c> for a dense consumer,
    /// <c>s_u = E|x_u| · ‖W[:, u, :, :]‖₂</c> for a convolution.
    /// </summary>
    public static IReadOnlyList<double[]> Activation(IReadOnlyList<StudentLayer> layers, IReadOnlyList<PrunableLayer> prunable,
        IReadOnlyList<double[]> meanAbsoluteInputs)
    {
        var result = new List<double[]>();
        for (int g = 0; g < prunable.Count; g++)
        {
            var p = prunable[g];
            var mean = meanAbsoluteInputs[g];
            var scores = new double[p.Width];
            switch (layers[p.Consumer])
            {
                case DenseLayer d:
                    for (int c = 0; c < d.Inputs; c++)
                    {
                        double norm = 0;
                        for (int o = 0; o < d.Outputs; o++)
                            norm += (double)d.Weight[o * d.Inputs + c] * d.Weight[o * d.Inputs + c];
                        scores[c / p.ColumnsPerUnit] += mean[c] * Math.Sqrt(norm);
                    }
                    break;
                case Conv2dLayer conv:
                    int kernel = conv.KernelSize * conv.KernelSize;
                    for (int u = 0; u < p.Width; u++)
                    {
                        double norm = 0;
                        for (int o = 0; o < conv.OutChannels; o++)
                            foreach (float w in conv.Weight.AsSpan((o * conv.InChannels + u) * kernel, kernel))
                                norm += (double)w * w;
                        scores[u] = mean[u] * Math.Sqrt(norm);
                    }
                    break;
            }
            result.Add(scores);
        }
        return result;
    }

    /// <summary>
    /// Mean |x| of what each prunable layer's consumer reads, over <paramref name="rows"/>: per input column for a dense
    /// consumer, per input channel (over rows and positions) for a convolution. Runs the deployed layers in TorchSharp on
    /// the CPU, in batches.
    /// </summary>
    public static IReadOnlyList<double[]> MeanAbsoluteInputs(IReadOnlyList<StudentLayer> layers, IReadOnlyList<PrunableLayer> prunable, float[] rows,
        int featureCount)
    {
        int count = rows.Length / featureCount;
        if (count == 0)
            throw new InvalidOperationException("The data has no row to measure the units' activations on.");
        var sums = prunable.Select(p => new double[layers[p.Consumer] is DenseLayer d ? d.Inputs : p.Width]).ToArray();
        using var network = new InitializedStudent.Network(layers, 0);
        network.eval();
        using var _ = no_grad();
        const int batch = 512;
        for (int start = 0; start < count; start += batch)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(batch, count - start);
            var record = new Dictionary<int, Action<Tensor>>();
            for (int g = 0; g < prunable.Count; g++)
            {
                var target = sums[g];
                bool conv = layers[prunable[g].Consumer] is Conv2dLayer;
                record[prunable[g].Consumer] = x =>
                {
                    // Summed in double over the batch (and positions), so the mean does not depend on the batch size's rounding.
                    var total = conv ? x.abs().to_type(ScalarType.Float64).mean([2L, 3L]).sum([0L]) : x.abs().to_type(ScalarType.Float64).sum([0L]);
                    var values = total.data<double>().ToArray();
                    for (int c = 0; c < values.Length; c++) target[c] += values[c];
                };
            }
            var input = tensor(rows.AsSpan(start * featureCount, size * featureCount).ToArray(), [size, featureCount]);
            network.Run(input, record);
        }
        foreach (var sum in sums)
            for (int c = 0; c < sum.Length; c++) sum[c] /= count;
        return sums;
    }
}
