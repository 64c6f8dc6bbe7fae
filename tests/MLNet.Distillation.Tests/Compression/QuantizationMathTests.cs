namespace MLNet.Distillation.Tests.Compression;

/// <summary>
/// The quantization arithmetic on small hand-made tensors, against values worked out by hand from the definitions
/// (ONNX QuantizeLinear / DynamicQuantizeLinear: round half to even, saturate; symmetric int8 weights in [−127, 127]).
/// </summary>
public sealed class QuantizationMathTests
{
    // A dense weight [2 outputs, 3 inputs]: row 0 is large (max 127·2⁻⁶), row 1 small (max 127·2⁻¹²). Powers of two keep
    // every quotient exact in float, so the ties below really are ties.
    private const float Big = 1f / 64, Small = 1f / 4096;
    private static readonly float[] Weight = [127 * Big, -63.5f * Big, 31.5f * Big, 127 * Small, -63.5f * Small, 32 * Small];

    [Fact]
    public void Per_tensor_weights_share_the_largest_magnitude_over_127()
    {
        var q = SymmetricInt8.Quantize(Weight, channels: 2, perChannel: false);
        // scale = 2⁻⁶. Row 0: 127, −63.5 → −64 (half to even), 31.5 → 32 (half to even).
        // Row 1 in steps of 2⁻⁶: 1.984 → 2, −0.992 → −1, 0.5 → 0 (half to even).
        Assert.Equal([Big], q.Scales);
        Assert.Equal(new sbyte[] { 127, -64, 32, 2, -1, 0 }, q.Codes);
    }

    [Fact]
    public void Per_channel_weights_have_one_scale_per_output_row()
    {
        var q = SymmetricInt8.Quantize(Weight, channels: 2, perChannel: true);
        // Row 0: scale 2⁻⁶ as above; row 1: scale 2⁻¹², codes 127, −63.5 → −64, 32.
        Assert.Equal([Big, Small], q.Scales);
        Assert.Equal(new sbyte[] { 127, -64, 32, 127, -64, 32 }, q.Codes);
    }

    [Fact]
    public void Per_channel_error_is_never_larger_and_here_far_smaller_than_per_tensor()
    {
        // The small row loses almost everything on the shared grid (its last weight → 0) and is exact on its own.
        var perTensor = SymmetricInt8.Quantize(Weight, 2, perChannel: false).Dequantize();
        var perChannel = SymmetricInt8.Quantize(Weight, 2, perChannel: true).Dequantize();
        for (int row = 0; row < 2; row++)
        {
            double tensorError = Enumerable.Range(row * 3, 3).Max(i => Math.Abs(perTensor[i] - Weight[i]));
            double channelError = Enumerable.Range(row * 3, 3).Max(i => Math.Abs(perChannel[i] - Weight[i]));
            Assert.True(channelError <= tensorError + 1e-9, $"row {row}: per channel {channelError}, per tensor {tensorError}");
        }
        // Row 1 per tensor: 32·2⁻¹² → 0 (all of it lost); per channel: every error within half a step of 2⁻¹².
        Assert.Equal(0f, perTensor[5]);
        for (int i = 3; i < 6; i++)
            Assert.True(Math.Abs(perChannel[i] - Weight[i]) <= 0.5 * Small, $"weight {i}");
    }

    [Fact]
    public void A_zero_channel_gets_scale_1_and_zero_codes()
    {
        var q = SymmetricInt8.Quantize([0f, 0f, 127 * Big, -0.5f], 2, perChannel: true);
        Assert.Equal([1f, Big], q.Scales);
        Assert.Equal(new sbyte[] { 0, 0, 127, -32 }, q.Codes);
    }

    [Fact]
    public void Weights_that_are_not_finite_are_refused()
        => Assert.Contains("not a finite number", Assert.Throws<InvalidOperationException>(() => SymmetricInt8.Quantize([1f, float.NaN], 1, true)).Message);

    [Theory]
    // DynamicQuantizeLinear's definition: range widened to include 0, scale = (max − min) / 255, zp = round(−min / scale).
    [InlineData(-1.0f, 1.55f, 0.01f, 100)]      // scale 2.55 / 255 = 0.01, zp = 100
    [InlineData(0.0f, 5.1f, 0.02f, 0)]          // ReLU output: zp 0
    [InlineData(0.5f, 2.55f, 0.01f, 0)]         // min raised to 0
    [InlineData(-2.55f, -1.0f, 0.01f, 255)]     // max lowered to 0
    [InlineData(0f, 0f, 1f, 0)]                 // nothing to scale
    public void Activation_parameters_follow_dynamic_quantize_linear(float min, float max, float scale, int zeroPoint)
    {
        var p = AffineUInt8.FromRange(min, max);
        Assert.Equal(scale, p.Scale, 6);
        Assert.Equal(zeroPoint, p.ZeroPoint);
    }

    [Fact]
    public void Activation_codes_round_half_to_even_and_saturate()
    {
        var p = new AffineUInt8(0.5f, 10);
        Assert.Equal(10, p.Quantize(0.25f));    // 0.25 / 0.5 = 0.5 → 0 (half to even), + 10
        Assert.Equal(12, p.Quantize(0.75f));    // 1.5 → 2
        Assert.Equal(0, p.Quantize(-10f));      // −20 + 10 saturates at 0
        Assert.Equal(255, p.Quantize(200f));    // 400 + 10 saturates at 255
        Assert.Equal(-2.5f, p.Dequantize(5));
    }

    [Fact]
    public void Bias_codes_are_in_units_of_input_scale_times_weight_scale()
    {
        var weights = new QuantizedWeights([1, 1], [0.5f, 0.25f], 2);
        var (codes, scales) = QuantizedBias.Quantize([1.0f, -0.3f], inputScale: 0.1f, weights);
        // steps 0.05 and 0.025: 1.0 / 0.05 = 20; −0.3 / 0.025 = −12.
        Assert.Equal([0.05f, 0.025f], scales);
        Assert.Equal([20, -12], codes);
    }
}
