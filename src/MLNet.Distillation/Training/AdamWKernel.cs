using System.Numerics;
using System.Runtime.InteropServices;

namespace MLNet.Distillation;

/// <summary>
/// One AdamW step over flat buffers in one pass of C# vector code: for every parameter, the operations of PyTorch's
/// single-tensor AdamW in its order, in single precision (decoupled weight decay <c>p·decay</c>; <c>m + w·(g − m)</c>, the
/// lerp of the first moment; <c>v·β₂ + (1 − β₂)·g·g</c>; <c>p + step·m / (√v / c₂ + ε)</c>). No fused multiply-adds,
/// so every machine rounds alike; the parameters are independent, so splitting a large buffer across threads changes
/// no bit.
/// </summary>
internal static class AdamWKernel
{
    /// <summary>
    /// Buffers at least this long are stepped in pieces on several threads. Below it one thread is faster: splitting a
    /// 51k-parameter MLP's step across the two cores here made it 40 % slower (libtorch's own threads still hold the
    /// other core for a while after each of its parallel operations).
    /// </summary>
    private const int ParallelLength = 1 << 20;

    /// <summary>The step's scalars, as the single-precision values libtorch's kernels would use.</summary>
    /// <param name="Decay"><c>1 − lr·weight decay</c>.</param>
    /// <param name="MeanWeight"><c>1 − β₁</c>, the lerp weight of the first moment.</param>
    /// <param name="Beta2">β₂.</param>
    /// <param name="OneMinusBeta2"><c>1 − β₂</c>.</param>
    /// <param name="Correction2"><c>√(1 − β₂ᵗ)</c>.</param>
    /// <param name="Epsilon">ε.</param>
    /// <param name="StepSize"><c>−lr / (1 − β₁ᵗ)</c>.</param>
    public readonly record struct Coefficients(float Decay, float MeanWeight, float Beta2, float OneMinusBeta2, float Correction2, float Epsilon,
        float StepSize)
    {
        /// <summary>
        /// The scalars of step <paramref name="step"/> (counted from 1), computed in double as the optimisers' libtorch
        /// path computes them, then rounded.
        /// </summary>
        public static Coefficients At(long step, double learningRate, double weightDecay, double beta1, double beta2, double epsilon) => new(
            Decay: (float)(1 - learningRate * weightDecay), MeanWeight: (float)(1 - beta1), Beta2: (float)beta2, OneMinusBeta2: (float)(1 - beta2),
            Correction2: (float)Math.Sqrt(1 - Math.Pow(beta2, step)), Epsilon: (float)epsilon,
            StepSize: (float)(-learningRate / (1 - Math.Pow(beta1, step))));
    }

    /// <summary>Steps <paramref name="parameters"/> and the moments in place from <paramref name="gradients"/> (all the same length).</summary>
    public static void Step(Memory<float> parameters, Memory<float> gradients, Memory<float> mean, Memory<float> variance, Coefficients c)
    {
        int n = parameters.Length;
        if (gradients.Length != n || mean.Length != n || variance.Length != n)
            throw new ArgumentException("The AdamW buffers differ in length.");
        if (n < ParallelLength)
        {
            StepRange(parameters.Span, gradients.Span, mean.Span, variance.Span, c);
            return;
        }
        int parts = Math.Min(Environment.ProcessorCount, n / ParallelLength);
        int vectors = n / Vector<float>.Count;
        Parallel.For(0, parts, part =>
        {
            // Pieces on whole vectors; the last takes the tail.
            int start = vectors * part / parts * Vector<float>.Count;
            int end = part == parts - 1 ? n : vectors * (part + 1) / parts * Vector<float>.Count;
            int length = end - start;
            StepRange(parameters.Span.Slice(start, length), gradients.Span.Slice(start, length), mean.Span.Slice(start, length),
                variance.Span.Slice(start, length), c);
        });
    }

    /// <summary>The step over one contiguous range (a flat buffer, or one row of a sparse table: <see cref="SparseRowAdamW"/>).</summary>
    internal static void StepRange(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> mean, Span<float> variance, Coefficients c)
    {
        int n = parameters.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var decay = new Vector<float>(c.Decay);
            var meanWeight = new Vector<float>(c.MeanWeight);
            var beta2 = new Vector<float>(c.Beta2);
            var oneMinusBeta2 = new Vector<float>(c.OneMinusBeta2);
            var correction2 = new Vector<float>(c.Correction2);
            var epsilon = new Vector<float>(c.Epsilon);
            var stepSize = new Vector<float>(c.StepSize);
            var p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            var g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            var m = MemoryMarshal.Cast<float, Vector<float>>(mean);
            var v = MemoryMarshal.Cast<float, Vector<float>>(variance);
            for (int k = 0; k < p.Length; k++)
            {
                var gradient = g[k];
                var first = m[k] + meanWeight * (gradient - m[k]);
                var second = v[k] * beta2 + oneMinusBeta2 * gradient * gradient;
                m[k] = first;
                v[k] = second;
                p[k] = p[k] * decay + stepSize * (first / (Vector.SquareRoot(second) / correction2 + epsilon));
            }
            i = p.Length * Vector<float>.Count;
        }
        for (; i < n; i++)
        {
            float gradient = gradients[i];
            float first = mean[i] + c.MeanWeight * (gradient - mean[i]);
            float second = variance[i] * c.Beta2 + c.OneMinusBeta2 * gradient * gradient;
            mean[i] = first;
            variance[i] = second;
            parameters[i] = parameters[i] * c.Decay + c.StepSize * (first / (MathF.Sqrt(second) / c.Correction2 + c.Epsilon));
        }
    }
}
