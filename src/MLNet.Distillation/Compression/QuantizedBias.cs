namespace MLNet.Distillation;

/// <summary>
/// A bias as int32 for static quantization: channel c's step is <c>input scale × weight scale(c)</c> (the unit of the
/// integer accumulator it is added to), code <c>round(b / step)</c>, half to even. Its rounding error, step / 2, is far
/// below the weights' and the input's.
/// </summary>
internal static class QuantizedBias
{
    public static (int[] Codes, float[] Scales) Quantize(float[] bias, float inputScale, QuantizedWeights weight)
    {
        var codes = new int[bias.Length];
        var scales = new float[bias.Length];
        for (int c = 0; c < bias.Length; c++)
        {
            scales[c] = inputScale * weight.ScaleOf(c);
            double code = Math.Round(bias[c] / (double)scales[c], MidpointRounding.ToEven);
            if (!(Math.Abs(code) <= int.MaxValue))
                throw new InvalidOperationException($"Bias {c} ({bias[c]}) does not fit int32 codes of step {scales[c]}: the calibrated input range is too narrow for it.");
            codes[c] = (int)code;
        }
        return (codes, scales);
    }
}
