namespace MLNet.Distillation;

/// <summary>
/// Activations as asymmetric uint8, <c>x ≈ scale · (q − zeroPoint)</c>, with the parameters ONNX's DynamicQuantizeLinear
/// computes: the range is widened to include 0 (so 0 is exact, as ReLU outputs and padding need), <c>scale =
/// (max − min) / 255</c> and <c>zeroPoint = clamp(round(−min / scale), 0, 255)</c>, rounding half to even. Static
/// quantization uses this on the ranges calibration measured; a range of zeros gets scale 1. Within the range, a value's
/// rounding error is at most scale / 2; values beyond it are clipped.
/// </summary>
/// <param name="Scale">The step between two codes.</param>
/// <param name="ZeroPoint">The code of 0.</param>
internal sealed record AffineUInt8(float Scale, byte ZeroPoint)
{
    /// <summary>The parameters for values in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static AffineUInt8 FromRange(float min, float max)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw new InvalidOperationException($"Cannot quantize the activation range [{min}, {max}]: calibration produced values that are not finite.");
        float low = Math.Min(min, 0f), high = Math.Max(max, 0f);
        float scale = (high - low) / 255f;
        if (scale == 0)
            return new AffineUInt8(1f, 0);
        return new AffineUInt8(scale, (byte)Math.Clamp(MathF.Round(-low / scale, MidpointRounding.ToEven), 0, 255));
    }

    /// <summary>The code of <paramref name="value"/> (QuantizeLinear: round half to even, then saturate to 0..255).</summary>
    public byte Quantize(float value) => (byte)Math.Clamp(MathF.Round(value / Scale, MidpointRounding.ToEven) + ZeroPoint, 0, 255);

    /// <summary>The value a code stands for.</summary>
    public float Dequantize(byte code) => (code - ZeroPoint) * Scale;
}
