namespace MLNet.Distillation.Tests.Training;

/// <summary>
/// The C# AdamW pass against the same formula written out per parameter in scalar code: bit for bit, for a buffer short
/// enough to run on one thread and one long enough to be split across threads (with a tail past the last vector).
/// </summary>
public sealed class AdamWKernelTests
{
    [Theory]
    [InlineData(37)]
    [InlineData((1 << 20) + 5)]
    public void The_vector_pass_equals_the_scalar_formula_bit_for_bit(int length)
    {
        var random = new Random(7);
        float[] Values(double scale) => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * scale)).ToArray();
        float[] parameters = Values(2), gradients = Values(0.1), mean = Values(0.01), variance = Values(0.001).Select(Math.Abs).ToArray();
        var c = new AdamWKernel.Coefficients(Decay: 0.99999f, MeanWeight: 0.1f, Beta2: 0.999f, OneMinusBeta2: 0.001f, Correction2: 0.0447f, Epsilon: 1e-8f, StepSize: -0.0103f);
        float[] p = (float[])parameters.Clone(), m = (float[])mean.Clone(), v = (float[])variance.Clone();
        for (int i = 0; i < length; i++)
        {
            float first = m[i] + c.MeanWeight * (gradients[i] - m[i]);
            float second = v[i] * c.Beta2 + c.OneMinusBeta2 * gradients[i] * gradients[i];
            m[i] = first;
            v[i] = second;
            p[i] = p[i] * c.Decay + c.StepSize * (first / (MathF.Sqrt(second) / c.Correction2 + c.Epsilon));
        }

        AdamWKernel.Step(parameters, gradients, mean, variance, c);

        Assert.Equal(p, parameters);
        Assert.Equal(m, mean);
        Assert.Equal(v, variance);
    }
}
