using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Compression;

/// <summary>
/// The managed float forward that static quantization calibrates with, on the layers a custom student may put between the
/// quantized ones, against TorchSharp's own operators (libtorch's definitions) on the same values.
/// </summary>
public sealed class FloatForwardTests
{
    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 6 - 3))];
    }

    private static float[] Run(StudentLayer layer, float[] x, int[] shape)
        => FloatForward.Run([new ReshapeLayer(shape), layer], x);

    [Fact]
    public void Pooling_with_stride_and_padding_matches_libtorch()
    {
        var x = Values(2 * 5 * 6, 1);
        using var t = tensor(x, [1, 2, 5, 6]);
        var window = new Window2d(3, 2, 2, 1, 1, 0, 1, 0);
        using var max = nn.functional.max_pool2d(t, [3, 2], [2, 1], [1, 0]);
        using var avg = nn.functional.avg_pool2d(t, [3, 2], [2, 1], [1, 0], count_include_pad: true);
        using var avgValid = nn.functional.avg_pool2d(t, [3, 2], [2, 1], [1, 0], count_include_pad: false);
        Tolerance.Close(max.data<float>().ToArray().Select(v => (double)v).ToArray(), Run(new MaxPool2dLayer(window), x, [2, 5, 6]).Select(v => (double)v).ToArray(), 0, 0, "max");
        Tolerance.Close(avg.data<float>().ToArray().Select(v => (double)v).ToArray(), Run(new AvgPool2dLayer(window, true), x, [2, 5, 6]).Select(v => (double)v).ToArray(), 1e-6, 1e-6, "avg");
        Tolerance.Close(avgValid.data<float>().ToArray().Select(v => (double)v).ToArray(), Run(new AvgPool2dLayer(window, false), x, [2, 5, 6]).Select(v => (double)v).ToArray(), 1e-6, 1e-6, "avg, padding not counted");
    }

    [Fact]
    public void Activations_and_per_channel_affine_match_libtorch()
    {
        var x = Values(3 * 2 * 2, 2);
        using var t = tensor(x, [1, 3, 2, 2]);
        void Same(Tensor expected, StudentLayer layer, double tolerance, string what)
            => Tolerance.Close(expected.data<float>().ToArray().Select(v => (double)v).ToArray(), Run(layer, x, [3, 2, 2]).Select(v => (double)v).ToArray(), tolerance, tolerance, what);

        using (var e = nn.functional.leaky_relu(t, 0.2)) Same(e, new LeakyReluLayer(0.2f), 1e-7, "LeakyReLU");
        using (var e = t.tanh()) Same(e, new TanhLayer(), 1e-6, "Tanh");
        using (var e = t.sigmoid()) Same(e, new SigmoidLayer(), 1e-6, "Sigmoid");
        using (var e = nn.functional.gelu(t)) Same(e, new GeluLayer(false), 1e-6, "GELU");
        using (var tanhGelu = 0.5 * t * (1 + (Math.Sqrt(2 / Math.PI) * (t + 0.044715 * t.pow(3))).tanh())) Same(tanhGelu, new GeluLayer(true), 1e-6, "GELU (tanh)");
        using (var scale = tensor(new float[] { 2, -1, 0.5f }, [1, 3, 1, 1]))
        using (var shift = tensor(new float[] { 0.1f, 0.2f, -0.3f }, [1, 3, 1, 1]))
        using (var e = t * scale + shift)
            Same(e, new AffineLayer([2, -1, 0.5f], [0.1f, 0.2f, -0.3f]), 1e-6, "per-channel affine");
    }
}
