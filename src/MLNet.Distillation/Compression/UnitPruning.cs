namespace MLNet.Distillation;

/// <summary>
/// One prunable layer of a student: the layer whose units (dense outputs or convolution channels) can go, and the next
/// weighted layer, which reads them. A unit's output reaches the consumer as <see cref="ColumnsPerUnit"/> consecutive
/// input columns of a dense consumer (1 for a dense producer; the unit's H·W positions for a channel flattened in C, H, W
/// order), or as one input channel of a convolution.
/// </summary>
/// <param name="Producer">Position of the producing Dense or Conv2d layer in the layer list.</param>
/// <param name="Consumer">Position of the next Dense or Conv2d layer.</param>
/// <param name="Width">Units of the producer.</param>
/// <param name="ColumnsPerUnit">Input columns of a dense consumer per unit; 0 when the consumer is a convolution.</param>
internal sealed record PrunableLayer(int Producer, int Consumer, int Width, int ColumnsPerUnit);

/// <summary>
/// Structured pruning of deployed student layers: finds the prunable layers and removes whole units, rows of the
/// producer's weight and bias and the matching columns (or input channels) of the consumer's weight, so the result is a
/// smaller dense network, not a masked one.
/// </summary>
internal static class UnitPruning
{
    /// <summary>The hidden layers whose units can be removed, input side first.</summary>
    public static IReadOnlyList<PrunableLayer> Find(IReadOnlyList<StudentLayer> layers)
    {
        var result = new List<PrunableLayer>();
        for (int i = 0; i < layers.Count; i++)
        {
            int width = layers[i] switch { DenseLayer d => d.Outputs, Conv2dLayer c => c.OutChannels, _ => 0 };
            if (width == 0 || i + 1 >= layers.Count || layers[i + 1] is not ReluLayer)
                continue;
            int j = i + 1;
            while (j < layers.Count && layers[j] is ReluLayer or MaxPool2dLayer or FlattenLayer)
                j++;
            if (j == layers.Count)
                continue;
            switch (layers[j])
            {
                case Conv2dLayer next when next.InChannels == width:
                    result.Add(new PrunableLayer(i, j, width, 0));
                    break;
                case DenseLayer next when next.Inputs % width == 0:
                    result.Add(new PrunableLayer(i, j, width, next.Inputs / width));
                    break;
                default:
                    throw new InvalidOperationException($"Layer {i} ({layers[i].GetType().Name}, {width} units) feeds layer {j} ({layers[j].GetType().Name}) in a way pruning does not know.");
            }
        }
        return result;
    }

    /// <summary>
    /// The layers with only the units <paramref name="keep"/> lists (per prunable layer of <paramref name="prunable"/>,
    /// ascending) left in each prunable layer.
    /// </summary>
    public static IReadOnlyList<StudentLayer> Remove(IReadOnlyList<StudentLayer> layers, IReadOnlyList<PrunableLayer> prunable,
        IReadOnlyList<int[]> keep)
    {
        var result = layers.ToList();
        for (int g = 0; g < prunable.Count; g++)
        {
            var (layer, units) = (prunable[g], keep[g]);
            if (units.Length == 0 || units.Any(u => u < 0 || u >= layer.Width) || units.Zip(units.Skip(1)).Any(p => p.First >= p.Second))
                throw new ArgumentException($"Units to keep of layer {layer.Producer} must be distinct, ascending and below {layer.Width}.",
                    nameof(keep));
            result[layer.Producer] = KeepOutputs(result[layer.Producer], units);
            result[layer.Consumer] = KeepInputs(result[layer.Consumer], units, layer);
        }
        return result;
    }

    private static StudentLayer KeepOutputs(StudentLayer producer, int[] units) => producer switch
    {
        DenseLayer d => d with { Outputs = units.Length, Weight = Blocks(d.Weight, d.Inputs, units), Bias = Blocks(d.Bias, 1, units) },
        Conv2dLayer c => c with
        {
            OutChannels = units.Length,
            Weight = Blocks(c.Weight, c.InChannels * c.KernelSize * c.KernelSize, units),
            Bias = Blocks(c.Bias, 1, units),
        },
        _ => throw new InvalidOperationException(producer.GetType().Name),
    };

    private static StudentLayer KeepInputs(StudentLayer consumer, int[] units, PrunableLayer layer)
    {
        switch (consumer)
        {
            case DenseLayer d:
            {
                int inputs = units.Length * layer.ColumnsPerUnit;
                var weight = new float[d.Outputs * inputs];
                for (int o = 0; o < d.Outputs; o++)
                    Blocks(d.Weight.AsSpan(o * d.Inputs, d.Inputs), layer.ColumnsPerUnit, units).CopyTo(weight, o * inputs);
                return d with { Inputs = inputs, Weight = weight };
            }
            case Conv2dLayer c:
            {
                int kernel = c.KernelSize * c.KernelSize, perOutput = units.Length * kernel;
                var weight = new float[c.OutChannels * perOutput];
                for (int o = 0; o < c.OutChannels; o++)
                    Blocks(c.Weight.AsSpan(o * c.InChannels * kernel, c.InChannels * kernel), kernel, units).CopyTo(weight, o * perOutput);
                return c with { InChannels = units.Length, Weight = weight };
            }
            default:
                throw new InvalidOperationException(consumer.GetType().Name);
        }
    }

    /// <summary>The blocks of <paramref name="size"/> consecutive values numbered <paramref name="units"/>, concatenated.</summary>
    private static float[] Blocks(ReadOnlySpan<float> values, int size, int[] units)
    {
        var result = new float[units.Length * size];
        for (int k = 0; k < units.Length; k++)
            values.Slice(units[k] * size, size).CopyTo(result.AsSpan(k * size, size));
        return result;
    }

    /// <summary>The <paramref name="count"/> units of highest score (the lower index first on ties), in ascending unit order.</summary>
    public static int[] Top(IReadOnlyList<double> scores, int count)
        => Enumerable.Range(0, scores.Count).OrderByDescending(u => scores[u]).ThenBy(u => u).Take(count).Order().ToArray();

    /// <summary>Trainable parameters (weights and biases of the dense and convolution layers).</summary>
    public static long ParameterCount(IReadOnlyList<StudentLayer> layers)
        => layers.Sum(l => l switch
        {
            DenseLayer d => (long)d.Weight.Length + d.Bias.Length,
            Conv2dLayer c => (long)c.Weight.Length + c.Bias.Length,
            _ => 0L
        });
}
