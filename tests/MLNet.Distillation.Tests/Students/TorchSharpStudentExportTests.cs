using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Students;

/// <summary>
/// The layers read from a TorchSharp module (<see cref="ModuleWalker"/>) and exported to ONNX compute what the module's
/// eval-mode forward computes (ONNX Runtime against TorchSharp, within 1e-5), layer type by layer type; BatchNorm folding
/// against the BatchNorm definition computed by hand; unsupported layers refused with their path.
/// </summary>
public sealed class TorchSharpStudentExportTests
{
    /// <summary>Runs <paramref name="rows"/> random rows through the module (eval mode) and through its export; returns the largest difference.</summary>
    private static double MaxDifference(Func<int, int, nn.Module<Tensor, Tensor>> factory, int inputSize, int outputs, int[]? inputShape = null, int rows = 6,
        Action<nn.Module<Tensor, Tensor>>? prepare = null)
    {
        random.manual_seed(7);
        var student = new TorchSharpStudent(factory) { InputShape = inputShape };
        using var network = (TorchSharpStudentNetwork)student.Build(inputSize, outputs);
        prepare?.Invoke(network.Module);
        network.eval();
        using var x = randn(rows, inputSize) * 2;
        using var y = network.forward(x);
        var expected = y.data<float>().ToArray();
        var layers = network.ExportLayers();
        using var session = new InferenceSession(StudentOnnxExporter.Export(
            new StudentModel(DistillationTask.MulticlassClassification, layers, "test", "Features", inputSize, outputs, null), OnnxLayout.Batch));
        using var value = OrtValue.CreateTensorValueFromMemory(x.data<float>().ToArray(), [rows, inputSize]);
        using var result = session.Run(new RunOptions(), ["Features"], [value], ["Logits"]);
        var actual = result[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual).Max(p => Math.Abs((double)p.First - p.Second));
    }

    /// <summary>Gives a BatchNorm running statistics and an affine part far from their defaults, so folding them is visible.</summary>
    private static void Randomise(nn.Module<Tensor, Tensor> module)
    {
        using var _ = no_grad();
        foreach (var (_, m) in module.named_modules())
            if (m is BatchNorm norm)
            {
                norm.running_mean!.copy_(randn(norm.num_features));
                norm.running_var!.copy_(rand(norm.num_features) * 3 + 0.2);
                norm.weight?.copy_(randn(norm.num_features));
                norm.bias?.copy_(randn(norm.num_features));
            }
    }

    public static TheoryData<string> LayerCases => new(Cases.Keys);

    private static readonly Dictionary<string, (Func<int, int, nn.Module<Tensor, Tensor>> Factory, int InputSize, int[]? Shape)> Cases = new()
    {
        ["linear+relu"] = ((i, k) => nn.Sequential(nn.Linear(i, 9), nn.ReLU(), nn.Linear(9, k)), 12, null),
        ["linear without bias"] = ((i, k) => nn.Sequential(nn.Linear(i, 5, hasBias: false), nn.Tanh(), nn.Linear(5, k)), 12, null),
        ["leaky relu, sigmoid, dropout, identity"] = ((i, k) => nn.Sequential(nn.Linear(i, 8), nn.LeakyReLU(0.2), nn.Dropout(0.5), nn.Identity(), nn.Linear(8, 8), nn.Sigmoid(), nn.Linear(8, k)), 12, null),
        ["gelu exact"] = ((i, k) => nn.Sequential(nn.Linear(i, 8), nn.GELU(), nn.Linear(8, k)), 12, null),
        ["gelu tanh"] = ((i, k) => nn.Sequential(nn.Linear(i, 8), nn.GELU(GELU.Approximate.tanh), nn.Linear(8, k)), 12, null),
        ["batchnorm1d folded"] = ((i, k) => nn.Sequential(nn.Linear(i, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, k)), 12, null),
        ["batchnorm1d first (affine)"] = ((i, k) => nn.Sequential(nn.BatchNorm1d(i), nn.Linear(i, k)), 12, null),
        ["batchnorm1d after relu, not affine"] = ((i, k) => nn.Sequential(nn.Linear(i, 6), nn.ReLU(), nn.BatchNorm1d(6, affine: false), nn.Linear(6, k)), 12, null),
        ["nested sequential"] = ((i, k) => nn.Sequential(("body", nn.Sequential(nn.Linear(i, 7), nn.ReLU(), nn.Sequential(nn.Linear(7, 7), nn.Tanh()))), ("head", nn.Linear(7, k))), 12, null),
        ["conv 3x3 same, maxpool, flatten"] = ((i, k) => nn.Sequential(nn.Conv2d(2, 4, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 3, k)), 2 * 9 * 7, [2, 9, 7]),
        ["conv strided, non-square, padded"] = ((i, k) => nn.Sequential(nn.Conv2d(2, 3, (3, 2), stride: (2, 1), padding: (1, 0)), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 5 * 6, k)), 2 * 9 * 7, [2, 9, 7]),
        ["conv 'same' even kernel, dilation"] = ((i, k) => nn.Sequential(nn.Conv2d(2, 3, 4, Padding.Same, dilation: 2), nn.Flatten(), nn.Linear(3 * 9 * 7, k)), 2 * 9 * 7, [2, 9, 7]),
        ["conv grouped, no bias"] = ((i, k) => nn.Sequential(nn.Conv2d(2, 4, 3, groups: 2, bias: false), nn.Flatten(), nn.Linear(4 * 7 * 5, k)), 2 * 9 * 7, [2, 9, 7]),
        ["batchnorm2d folded into conv"] = ((i, k) => nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 7 * 5, k)), 2 * 9 * 7, [2, 9, 7]),
        ["batchnorm2d after pooling (affine)"] = ((i, k) => nn.Sequential(nn.Conv2d(2, 4, 3), nn.MaxPool2d(2), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4 * 3 * 2, k)), 2 * 9 * 7, [2, 9, 7]),
        ["maxpool strided and padded"] = ((i, k) => nn.Sequential(nn.MaxPool2d(3, stride: 2, padding: 1), nn.Flatten(), nn.Linear(2 * 5 * 4, k)), 2 * 9 * 7, [2, 9, 7]),
        ["avgpool counting padding"] = ((i, k) => nn.Sequential(nn.AvgPool2d(3, stride: 2, padding: 1), nn.Flatten(), nn.Linear(2 * 5 * 4, k)), 2 * 9 * 7, [2, 9, 7]),
        ["avgpool not counting padding"] = ((i, k) => nn.Sequential(nn.AvgPool2d(3, stride: 2, padding: 1, count_include_pad: false), nn.Flatten(), nn.Linear(2 * 5 * 4, k)), 2 * 9 * 7, [2, 9, 7]),
        ["avgpool non-square"] = ((i, k) => nn.Sequential(nn.AvgPool2d((3, 2)), nn.Flatten(), nn.Linear(2 * 3 * 3, k)), 2 * 9 * 7, [2, 9, 7]),
    };

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void Each_supported_layer_exports_what_torchsharp_computes_within_1e_5(string name)
    {
        var (factory, inputSize, shape) = Cases[name];
        double difference = MaxDifference(factory, inputSize, 3, shape, prepare: Randomise);
        Assert.True(difference <= 1e-5, $"{name}: ONNX differs from TorchSharp by {difference:G3}");
    }

    [Fact]
    public void Batchnorm_folding_matches_the_batchnorm_definition_by_hand()
    {
        // Linear(2→2) then BatchNorm1d(2) in eval mode: y = γ·(Wx + b − μ)/√(σ² + ε) + β, computed in double from the values set here.
        using var linear = nn.Linear(2, 2);
        using var norm = nn.BatchNorm1d(2, eps: 1e-3);
        float[] w = [0.5f, -1.25f, 2f, 0.75f], b = [0.1f, -0.3f], mu = [0.4f, -2f], variance = [0.25f, 4f], gamma = [1.5f, -0.5f], beta = [0.2f, 1f];
        using (no_grad())
        {
            linear.weight!.copy_(tensor(w, [2, 2]));
            linear.bias!.copy_(tensor(b));
            norm.running_mean!.copy_(tensor(mu));
            norm.running_var!.copy_(tensor(variance));
            norm.weight!.copy_(tensor(gamma));
            norm.bias!.copy_(tensor(beta));
        }
        using var module = nn.Sequential(linear, norm);
        var layers = ModuleWalker.Walk(module, [2], out var outputShape);
        var dense = Assert.IsType<DenseLayer>(Assert.Single(layers));
        Assert.Equal([2], outputShape);
        double[] x = [0.8, -1.6];
        for (int o = 0; o < 2; o++)
        {
            double z = w[o * 2] * x[0] + w[o * 2 + 1] * x[1] + b[o];
            double expected = gamma[o] * (z - mu[o]) / Math.Sqrt(variance[o] + 1e-3) + beta[o];
            double actual = dense.Weight[o * 2] * x[0] + dense.Weight[o * 2 + 1] * x[1] + dense.Bias[o];
            Assert.Equal(expected, actual, 5);
        }
        // Folded weights by hand: W' = W·γ/√(σ²+ε) row by row, b' = (b − μ)·γ/√(σ²+ε) + β.
        Assert.Equal(0.5 * 1.5 / Math.Sqrt(0.251), dense.Weight[0], 6);
        Assert.Equal((-0.3 + 2) * -0.5 / Math.Sqrt(4.001) + 1, dense.Bias[1], 6);
    }

    [Fact]
    public void A_batchnorm_that_keeps_no_running_statistics_is_refused()
    {
        using var module = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3, track_running_stats: false));
        var e = Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(module, [4], out _));
        Assert.Contains("Student layer '1' (BatchNorm1d)", e.Message);
        Assert.Contains("track_running_stats", e.Message);
    }

    private sealed class Residual : nn.Module<Tensor, Tensor>
    {
        private readonly Linear inner;
        public Residual(int size) : base("residual") { inner = nn.Linear(size, size); RegisterComponents(); }
        public override Tensor forward(Tensor x) => x + inner.forward(x);
    }

    private sealed class SwappedSequential : nn.Module<Tensor, Tensor>
    {
        private readonly Linear first, second;
        public SwappedSequential() : base("swapped") { first = nn.Linear(4, 4); second = nn.Linear(4, 4); RegisterComponents(); }
        public override Tensor forward(Tensor x) => first.forward(nn.functional.relu(second.forward(x)));
    }

    [Fact]
    public void Unsupported_layers_and_custom_containers_are_refused_by_path_and_type()
    {
        using var norm = nn.Sequential(("body", nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.LayerNorm(4))), ("head", nn.Linear(4, 2)));
        var e = Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(norm, [4], out _));
        Assert.StartsWith("Student layer 'body.2' (LayerNorm) cannot be exported to ONNX; supported: Sequential, Linear", e.Message);

        using var residual = nn.Sequential(nn.Linear(4, 4), new Residual(4), nn.Linear(4, 2));
        e = Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(residual, [4], out _));
        Assert.Contains("Student layer '1' (Residual) is a module with sub-modules of its own: its forward order cannot be read", e.Message);

        using var swapped = new SwappedSequential();
        e = Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(swapped, [4], out _));
        Assert.Contains("The student module (SwappedSequential)", e.Message);

        using var ceil = nn.Sequential(nn.MaxPool2d(2, ceil_mode: true));
        Assert.Contains("Student layer '0' (MaxPool2d) uses ceil_mode", Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(ceil, [1, 5, 5], out _)).Message);
        using var reflect = nn.Sequential(nn.Conv2d(1, 1, 3, padding: 1, padding_mode: PaddingModes.Reflect));
        Assert.Contains("pads with Reflect", Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(reflect, [1, 5, 5], out _)).Message);
    }

    [Fact]
    public void Shapes_that_do_not_flow_are_refused_naming_the_layer()
    {
        using var mismatch = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(5, 2));
        Assert.Equal("Student layer '2' (Linear) expects 5 inputs but receives 6.",
            Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(mismatch, [4], out _)).Message);
        using var noFlatten = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Linear(18, 2));
        Assert.Contains("Student layer '1' (Linear) receives [2, 3, 3] per row; put an nn.Flatten() before it",
            Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(noFlatten, [1, 5, 5], out _)).Message);
        using var flat = nn.Sequential(nn.Conv2d(1, 2, 3));
        Assert.Contains("set TorchSharpStudent.InputShape", Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(flat, [25], out _)).Message);
        using var tooBig = nn.Sequential(nn.Conv2d(1, 2, 7));
        Assert.Contains("does not fit [1, 5, 5]", Assert.Throws<NotSupportedException>(() => ModuleWalker.Walk(tooBig, [1, 5, 5], out _)).Message);
    }

    [Fact]
    public void The_probe_catches_a_module_whose_forward_is_not_its_walked_order()
    {
        // A Sequential whose forward the walk reads correctly, then a "layer" list that lies: the probe must see the difference.
        random.manual_seed(1);
        var student = new TorchSharpStudent((i, k) => nn.Sequential(nn.Linear(i, 4), nn.ReLU(), nn.Linear(4, k)));
        using var network = (TorchSharpStudentNetwork)student.Build(5, 2);
        var layers = network.ExportLayers().ToList();
        using var probe = randn(8, 5);
        ExportProbe.Verify(network, layers, probe, 2, "Test");    // the true order passes
        layers.RemoveAt(1);                                          // drop the ReLU: what a misread forward would export
        var e = Assert.Throws<InvalidOperationException>(() => ExportProbe.Verify(network, layers, probe, 2, "After training"));
        Assert.StartsWith("After training, the exported student differs from the TorchSharp module on a probe batch", e.Message);
    }
}
