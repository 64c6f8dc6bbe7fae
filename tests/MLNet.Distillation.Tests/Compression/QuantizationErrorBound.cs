namespace MLNet.Distillation.Tests.Compression;

/// <summary>
/// A worst-case bound on how far an int8 MLP student's outputs can move from the float student's on one row, derived from
/// the quantization steps alone and computed from the float weights (not from the quantized model). Per dense layer with
/// float input x carrying an error bound e from earlier layers:
/// <list type="bullet">
/// <item>the input is rounded to a uint8 grid of step s_x: its error becomes ε = e + s_x/2 (dynamic: s_x = range of the
/// input including 0, widened by e, / 255; static: the calibrated range / 255, which covers every float input here because
/// the rows scored are the calibration rows, and clipping to it moves a value no further from its float one);</item>
/// <item>weights rounded to steps s_w (per row: max|W_o·|/127, or the tensor's): |ŵ − w| ≤ s_w/2;</item>
/// <item>so |ŷ_o − y_o| ≤ Σ_j |W_oj| ε_j + s_w,o/2 · Σ_j (|x_j| + ε_j) (+ s_x·s_w,o/2 for the static int32 bias), plus
/// 1e-5 relative float rounding.</item>
/// </list>
/// ReLU is 1-Lipschitz (e passes through); softmax moves each probability by at most ½ · max |Δlogit| (the ℓ1 norm of a
/// row of its Jacobian, 2p(1−p), is at most ½), a sigmoid by at most ¼ · |Δlogit|.
/// </summary>
internal static class QuantizationErrorBound
{
    /// <summary>The bound on every logit (network output) of <paramref name="row"/>.</summary>
    /// <param name="layers">The float student's layers (dense, ReLU, standardisation).</param>
    /// <param name="row">The features.</param>
    /// <param name="perChannel">Weight scales per output row.</param>
    /// <param name="staticInputScales">Static: each dense layer's calibrated input step, by layer index; null: dynamic.</param>
    public static double[] OnLogits(IReadOnlyList<StudentLayer> layers, float[] row, bool perChannel, IReadOnlyDictionary<int, double>? staticInputScales)
    {
        double[] x = row.Select(v => (double)v).ToArray();
        double[] e = new double[x.Length];
        for (int i = 0; i < layers.Count; i++)
        {
            switch (layers[i])
            {
                case StandardizeLayer s:
                    x = x.Select((v, j) => (v - s.Mean[j]) * s.InverseStd[j]).ToArray();
                    e = e.Select((v, j) => v * Math.Abs(s.InverseStd[j])).ToArray();
                    break;
                case ReluLayer:
                    x = x.Select(v => Math.Max(v, 0)).ToArray();
                    break;
                case DenseLayer d:
                {
                    double sx = staticInputScales is null
                        ? (Math.Max(0, x.Select((v, j) => v + e[j]).Max()) - Math.Min(0, x.Select((v, j) => v - e[j]).Min())) / 255
                        : staticInputScales[i];
                    var eps = e.Select(v => v + sx / 2).ToArray();
                    double tensorMax = d.Weight.Max(w => Math.Abs(w));
                    var y = new double[d.Outputs];
                    var ey = new double[d.Outputs];
                    for (int o = 0; o < d.Outputs; o++)
                    {
                        var w = d.Weight.AsSpan(o * d.Inputs, d.Inputs).ToArray();
                        double sw = (perChannel ? w.Max(v => Math.Abs(v)) : tensorMax) / 127;
                        double sum = d.Bias[o], weighted = 0, magnitude = Math.Abs(d.Bias[o]), spread = 0;
                        for (int j = 0; j < d.Inputs; j++)
                        {
                            sum += w[j] * x[j];
                            weighted += Math.Abs(w[j]) * eps[j];
                            spread += Math.Abs(x[j]) + eps[j];
                            magnitude += Math.Abs(w[j] * x[j]);
                        }
                        y[o] = sum;
                        ey[o] = weighted + sw / 2 * spread + (staticInputScales is null ? 0 : sx * sw / 2) + 1e-5 * magnitude;
                    }
                    (x, e) = (y, ey);
                    break;
                }
                default:
                    throw new NotSupportedException($"The bound covers MLP layers only, not {layers[i].GetType().Name}.");
            }
        }
        return e;
    }

    /// <summary>
    /// The layers int8 applies to: a standardisation folded into the first dense layer is taken out again
    /// (W = W'·σ, b = b' + W'·μ), so the bound sees the standardised inputs the quantized student rounds.
    /// </summary>
    public static IReadOnlyList<StudentLayer> AsQuantized(StudentModel model)
    {
        if (model.FoldedInputs is not { } s)
            return model.Layers;
        var d = (DenseLayer)model.Layers[0];
        var w = new float[d.Weight.Length];
        var b = new float[d.Outputs];
        for (int o = 0; o < d.Outputs; o++)
        {
            double bias = d.Bias[o];
            for (int j = 0; j < d.Inputs; j++)
            {
                w[o * d.Inputs + j] = (float)(d.Weight[o * d.Inputs + j] / (double)s.InverseStd[j]);
                bias += d.Weight[o * d.Inputs + j] * (double)s.Mean[j];
            }
            b[o] = (float)bias;
        }
        return [s, new DenseLayer(d.Inputs, d.Outputs, w, b), .. model.Layers.Skip(1)];
    }

    /// <summary>Each dense layer's static input step: its inputs' range over <paramref name="rows"/> (including 0) / 255.</summary>
    public static Dictionary<int, double> CalibratedInputScales(IReadOnlyList<StudentLayer> layers, IEnumerable<float[]> rows)
    {
        var low = new Dictionary<int, double>();
        var high = new Dictionary<int, double>();
        foreach (var row in rows)
        {
            double[] x = row.Select(v => (double)v).ToArray();
            for (int i = 0; i < layers.Count; i++)
            {
                switch (layers[i])
                {
                    case StandardizeLayer s: x = x.Select((v, j) => (double)(float)((float)(v - s.Mean[j]) * s.InverseStd[j])).ToArray(); break;
                    case ReluLayer: x = x.Select(v => Math.Max(v, 0)).ToArray(); break;
                    case DenseLayer d:
                        low[i] = Math.Min(low.GetValueOrDefault(i), x.Min());
                        high[i] = Math.Max(high.GetValueOrDefault(i), x.Max());
                        x = Enumerable.Range(0, d.Outputs).Select(o => d.Bias[o] + Enumerable.Range(0, d.Inputs).Sum(j => (double)d.Weight[o * d.Inputs + j] * x[j])).ToArray();
                        break;
                }
            }
        }
        return low.Keys.ToDictionary(i => i, i => (high[i] - low[i]) / 255);
    }
}
