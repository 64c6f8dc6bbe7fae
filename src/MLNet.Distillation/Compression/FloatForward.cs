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
                MaxPool2dLayer p => Pool(x, shape, p.Window, max: true, countIncludePad: false),
                AvgPool2dLayer p => Pool(x, shape, p.Window, max: false, p.CountIncludePad),
                // The layers a custom student may add between the quantized ones stay float; calibration still has to pass through them.
                LeakyReluLayer l => (x.Select(v => v >= 0 ? v : l.Slope * v).ToArray(), shape),
                TanhLayer => (x.Select(MathF.Tanh).ToArray(), shape),
                SigmoidLayer => (x.Select(v => 1f / (1f + MathF.Exp(-v))).ToArray(), shape),
                GeluLayer g => (x.Select(v => g.TanhApproximation
                    ? (float)(0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))))
                    : (float)(0.5 * v * (1 + Erf(v / Math.Sqrt(2))))).ToArray(), shape),
                AffineLayer a => (Affine(x, shape, a), shape),
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

    /// <summary>
    /// Max or average pooling over <paramref name="window"/> (no dilation: pooling refuses it). Padding is −∞ for the max; for
    /// the mean it counts in the divisor only with <paramref name="countIncludePad"/> (PyTorch's and ONNX's definitions).
    /// </summary>
    private static (float[], int[]) Pool(float[] x, int[] shape, Window2d window, bool max, bool countIncludePad)
    {
        int channels = shape[0], h = shape[1], w = shape[2];
        var (oh, ow) = window.Output(h, w);
        var y = new float[channels * oh * ow];
        for (int c = 0; c < channels; c++)
            for (int r = 0; r < oh; r++)
                for (int s = 0; s < ow; s++)
                {
                    double sum = 0, best = double.NegativeInfinity;
                    int count = 0;
                    for (int u = 0; u < window.KernelHeight; u++)
                    {
                        int ir = r * window.StrideHeight + u - window.PadTop;
                        if (ir < 0 || ir >= h) continue;
                        for (int v = 0; v < window.KernelWidth; v++)
                        {
                            int ic = s * window.StrideWidth + v - window.PadLeft;
                            if (ic < 0 || ic >= w) continue;
                            float value = x[(c * h + ir) * w + ic];
                            sum += value;
                            best = Math.Max(best, value);
                            count++;
                        }
                    }
                    y[(c * oh + r) * ow + s] = max ? (float)best
                        : (float)(sum / (countIncludePad ? window.KernelHeight * window.KernelWidth : count));
                }
        return (y, [channels, oh, ow]);
    }

    /// <summary>Per-channel scale and shift: the channel is the feature for [F] rows, the first axis for [C, H, W].</summary>
    private static float[] Affine(float[] x, int[] shape, AffineLayer a)
    {
        int perChannel = shape.Length == 1 ? 1 : x.Length / shape[0];
        return x.Select((v, j) => v * a.Scale[j / perChannel] + a.Shift[j / perChannel]).ToArray();
    }

    /// <summary>The error function, for exact GELU: Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7, far below any
    /// int8 step (calibration only reads ranges; the exported graph uses ONNX's Erf).</summary>
    private static double Erf(double z)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(z));
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return z >= 0 ? y : -y;
    }
}
