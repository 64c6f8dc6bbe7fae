namespace MLNet.Distillation;

/// <summary>
/// Weights as symmetric int8: <c>w ≈ scale · q</c> with <c>q = clamp(round(w / scale), −127, 127)</c>, zero point 0 and
/// <c>scale = max|w| / 127</c> over the tensor or over each output channel (row of a dense weight, filter of a convolution).
/// −128 is left unused so the range is symmetric (ONNX Runtime's quantization tool does the same). Rounding is half to
/// even, as ONNX's QuantizeLinear rounds. A channel of zeros gets scale 1 (all its codes are 0 whatever the scale).
/// The rounding error of every weight is at most scale / 2.
/// </summary>
internal static class SymmetricInt8
{
    public const int MaximumCode = 127;

    /// <summary>Quantizes <paramref name="weight"/>, laid out as <paramref name="channels"/> contiguous blocks (one per output channel).</summary>
    /// <param name="weight">The float weights, output channel first ([out, in] or [out, in, k, k]).</param>
    /// <param name="channels">The number of output channels.</param>
    /// <param name="perChannel">One scale per output channel, else one for the whole tensor.</param>
    public static QuantizedWeights Quantize(float[] weight, int channels, bool perChannel)
    {
        if (channels < 1 || weight.Length % channels != 0)
            throw new ArgumentException($"{weight.Length} weights do not split into {channels} output channels.", nameof(weight));
        int block = weight.Length / channels;
        var scales = new float[perChannel ? channels : 1];
        for (int c = 0; c < scales.Length; c++)
        {
            var span = perChannel ? weight.AsSpan(c * block, block) : weight.AsSpan();
            float max = 0;
            foreach (float w in span)
            {
                if (!float.IsFinite(w))
                    throw new InvalidOperationException("The student has a weight that is not a finite number; it cannot be quantized.");
                max = Math.Max(max, Math.Abs(w));
            }
            scales[c] = max > 0 ? max / MaximumCode : 1f;
        }
        var codes = new sbyte[weight.Length];
        for (int i = 0; i < weight.Length; i++)
        {
            float scale = scales[perChannel ? i / block : 0];
            codes[i] = (sbyte)Math.Clamp(MathF.Round(weight[i] / scale, MidpointRounding.ToEven), -MaximumCode, MaximumCode);
        }
        return new QuantizedWeights(codes, scales, channels);
    }
}

/// <summary>Symmetric int8 weights: the codes (same layout as the float weights) and one scale per channel or one for all.</summary>
/// <param name="Codes">The int8 codes.</param>
/// <param name="Scales">One scale per output channel, or a single scale for the tensor.</param>
/// <param name="Channels">Output channels (the codes are that many contiguous blocks).</param>
internal sealed record QuantizedWeights(sbyte[] Codes, float[] Scales, int Channels)
{
    /// <summary>The scale of output channel <paramref name="channel"/>.</summary>
    public float ScaleOf(int channel) => Scales.Length == 1 ? Scales[0] : Scales[channel];

    /// <summary>Code × scale, the weights the quantized network multiplies by.</summary>
    public float[] Dequantize()
    {
        int block = Codes.Length / Channels;
        var values = new float[Codes.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = Codes[i] * ScaleOf(i / block);
        return values;
    }
}
