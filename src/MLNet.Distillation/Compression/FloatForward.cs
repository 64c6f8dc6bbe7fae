namespace MLNet.Distillation;

/// <summary>
/// Runs a float student one row at a time in plain managed loops, reporting each layer's output: what calibration needs
/// to measure activation ranges. Written for clarity, not speed (calibration reads a bounded number of rows); it follows
/// the layers' definitions in <see cref="StudentLayer"/>, not the ONNX graph.
/// </summary>
internal static class FloatForward
{
    /// <summary>Runs <paramref name="layers"/> on <paramref name="row"/>; <paramref name="onOutput"/> gets (layer index, its output).</summary>
    public static float[] Run(IReadOnlyList<StudentLayer> layers, float[] row, Action<int, float[]>? onOutput = null)
    {
        var x = row;
        int[] shape = [row.Length];
        for (int i = 0; i < layers.Count; i++)
        {
            (x, shape) = layers[i] switch
            {
                DenseLayer d => (Dense(x, d), [d.Outputs]),
                ReluLayer => (x.Select(v => Math.Max(v, 0f)).ToArray(), shape),
                StandardizeLayer s => (x.Select((v, j) => (v - s.Mean[j]) * s.InverseStd[j]).ToArray(), shape),
                ReshapeLayer r => (x, r.Shape),
                FlattenLayer => (x, [x.Length]),
                Conv2dLayer c => Conv(x, shape, c),
                MaxPool2dLayer p => MaxPool(x, shape, p.Size),
                var other => throw new NotSupportedException($"Quantization cannot run layer {i} ({other.GetType().Name}) in float to calibrate it."),
            };
            onOutput?.Invoke(i, x);
        }
        return x;
    }

    private static float[] Dense(float[] x, DenseLayer d)
    {
        var y = new float[d.Outputs];
        for (int o = 0; o < d.Outputs; o++)
        {
            double sum = d.Bias[o];
            for (int i = 0; i < d.Inputs; i++)
                sum += (double)d.Weight[o * d.Inputs + i] * x[i];
            y[o] = (float)sum;
        }
        return y;
    }

    private static (float[], int[]) Conv(float[] x, int[] shape, Conv2dLayer c)
    {
        int h = shape[1], w = shape[2], k = c.KernelSize, p = c.Padding;
        int oh = h + 2 * p - k + 1, ow = w + 2 * p - k + 1;
        var y = new float[c.OutChannels * oh * ow];
        for (int o = 0; o < c.OutChannels; o++)
            for (int r = 0; r < oh; r++)
                for (int s = 0; s < ow; s++)
                {
                    double sum = c.Bias[o];
                    for (int ci = 0; ci < c.InChannels; ci++)
                        for (int u = 0; u < k; u++)
                        {
                            int ir = r + u - p;
                            if (ir < 0 || ir >= h) continue;
                            for (int v = 0; v < k; v++)
                            {
                                int ic = s + v - p;
                                if (ic < 0 || ic >= w) continue;
                                sum += (double)c.Weight[((o * c.InChannels + ci) * k + u) * k + v] * x[(ci * h + ir) * w + ic];
                            }
                        }
                    y[(o * oh + r) * ow + s] = (float)sum;
                }
        return (y, [c.OutChannels, oh, ow]);
    }

    private static (float[], int[]) MaxPool(float[] x, int[] shape, int window)
    {
        int channels = shape[0], h = shape[1], w = shape[2], oh = h / window, ow = w / window;
        var y = new float[channels * oh * ow];
        for (int c = 0; c < channels; c++)
            for (int r = 0; r < oh; r++)
                for (int s = 0; s < ow; s++)
                {
                    float max = float.NegativeInfinity;
                    for (int u = 0; u < window; u++)
                        for (int v = 0; v < window; v++)
                            max = Math.Max(max, x[(c * h + r * window + u) * w + s * window + v]);
                    y[(c * oh + r) * ow + s] = max;
                }
        return (y, [channels, oh, ow]);
    }
}
