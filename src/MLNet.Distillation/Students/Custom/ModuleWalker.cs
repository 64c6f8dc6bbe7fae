using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Reads a TorchSharp module as the inference-time layers the ONNX exporter writes. Only modules whose forward pass is
/// known from their type are accepted: <c>nn.Sequential</c> (its children in order, nested to any depth) and the layer
/// types of <see cref="SupportedLayers"/>, matched by exact type (a subclass may override <c>forward</c>). The per-row
/// shape is tracked through every layer, so a layer that cannot receive what the previous one produces is named.
/// BatchNorm in eval form (<c>γ·(x − running mean)/√(running var + ε) + β</c>) is folded into the Linear or Conv2d just
/// before it, in double precision and rounded to float once; a BatchNorm with no such layer before it becomes a per-channel
/// <see cref="AffineLayer"/>.
/// </summary>
internal static class ModuleWalker
{
    /// <summary>The layer types a custom student may use, as listed in error messages and the documentation.</summary>
    public const string SupportedLayers = "Sequential, Linear, Conv2d (zero padding), BatchNorm1d, BatchNorm2d, Dropout, Dropout2d, Identity, " +
        "ReLU, LeakyReLU, Tanh, Sigmoid, GELU, MaxPool2d, AvgPool2d (no ceil_mode), Flatten (start_dim 1)";

    /// <summary>
    /// The layers of <paramref name="module"/> in forward order, for rows that reach it shaped
    /// <paramref name="inputShape"/>; <paramref name="outputShape"/> is what leaves it.
    /// </summary>
    public static List<StudentLayer> Walk(nn.Module module, int[] inputShape, out int[] outputShape)
        => Walk(module, inputShape, out outputShape, out _);

    /// <summary>
    /// As <see cref="Walk(nn.Module, int[], out int[])"/>, also describing each layer as visited
    /// (<c>Conv2d(1→8, 3×3 pad 1,1,1,1)</c>).
    /// </summary>
    public static List<StudentLayer> Walk(nn.Module module, int[] inputShape, out int[] outputShape, out IReadOnlyList<string> description)
    {
        using var scope = NewDisposeScope();    // the weight copies' intermediate tensors
        var walk = new Walker(inputShape);
        walk.Visit(module, "");
        outputShape = walk.Shape;
        description = walk.Description;
        return walk.Layers;
    }

    /// <summary>
    /// The path of child <paramref name="name"/> under the module at <paramref name="path"/> (<c>body.2</c>; the root's is
    /// empty): how messages, exported layers (<see cref="StudentLayer.TapNames"/>) and loss terms name a layer alike.
    /// </summary>
    public static string ChildPath(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>How messages name a layer: by its path of child names (<c>body.2</c>) and its type.</summary>
    public static string Name(string path, nn.Module module)
        => path.Length == 0 ? $"The student module ({module.GetType().Name})" : $"Student layer '{path}' ({module.GetType().Name})";

    private sealed class Walker(int[] inputShape)
    {
        public List<StudentLayer> Layers { get; } = [];
        public int[] Shape { get; private set; } = inputShape;
        public List<string> Description { get; } = [];

        public void Visit(nn.Module module, string path)
        {
            var type = module.GetType();
            if (type == typeof(Sequential))
            {
                int first = Layers.Count;
                foreach (var (name, child) in module.named_children())
                    Visit(child, ChildPath(path, name));
                // The Sequential's output is its last layer's when that layer ends it (not a dropout after it, which differs while training).
                if (path.Length > 0 && Layers.Count > first && _lastLeafNamed)
                    Layers[^1] = Layers[^1] with { TapNames = [.. Layers[^1].TapNames, path] };
                return;
            }
            int before = Layers.Count;
            switch (module)
            {
                case Linear linear when type == typeof(Linear): Linear(linear, path); break;
                case Conv2d conv when type == typeof(Conv2d): Conv(conv, path); break;
                case BatchNorm1d norm when type == typeof(BatchNorm1d): BatchNorm(norm, path, rank: 1); break;
                case BatchNorm2d norm when type == typeof(BatchNorm2d): BatchNorm(norm, path, rank: 3); break;
                case Dropout or Dropout2d or Identity when type == typeof(Dropout) || type == typeof(Dropout2d) || type == typeof(Identity):
                    break; // the identity at inference
                case ReLU when type == typeof(ReLU): Layers.Add(new ReluLayer()); break;
                case LeakyReLU leaky when type == typeof(LeakyReLU): Layers.Add(new LeakyReluLayer((float)leaky.negative_slope)); break;
                case Tanh when type == typeof(Tanh): Layers.Add(new TanhLayer()); break;
                case Sigmoid when type == typeof(Sigmoid): Layers.Add(new SigmoidLayer()); break;
                case GELU gelu when type == typeof(GELU): Layers.Add(new GeluLayer(gelu.approximate == GELU.Approximate.tanh)); break;
                case MaxPool2d pool when type == typeof(MaxPool2d): MaxPool(pool, path); break;
                case AvgPool2d pool when type == typeof(AvgPool2d): AvgPool(pool, path); break;
                case Flatten flatten when type == typeof(Flatten): Flatten(flatten, path); break;
                default:
                    throw new NotSupportedException(module.named_children().Any()
                        ? $"{Name(path, module)} is a module with sub-modules of its own: its forward order cannot be read, so it cannot be exported to ONNX. " +
                          $"Compose the student from nn.Sequential and the supported layers: {SupportedLayers}."
                        : $"{Name(path, module)} cannot be exported to ONNX; supported: {SupportedLayers}.");
            }
            Description.Add(Describe(module, Layers.Count > before ? Layers[^1] : null));
            // Name the layer that now gives this module's output after the module's path, so that a network rebuilt from the
            // layers (a pruned student's fine-tuning) offers the hidden layers a loss recipe reads. A folded BatchNorm renames
            // the layer it was folded into: that layer's output is now the BatchNorm's. Dropout and Identity leave no layer.
            _lastLeafNamed = module is not (Dropout or Dropout2d or Identity) && (Layers.Count > before || module is BatchNorm) && path.Length > 0;
            if (_lastLeafNamed)
                Layers[^1] = Layers[^1] with { TapNames = [path] };
        }

        private bool _lastLeafNamed;

        private static string Describe(nn.Module module, StudentLayer? layer) => module switch
        {
            Linear l => $"Linear({l.in_features}→{l.out_features})",
            Conv2d c when layer is Conv2dLayer conv => $"Conv2d({c.in_channels}→{c.out_channels}, {conv.Window}{(c.groups == 1 ? "" : $", groups {c.groups}")}{(c.bias is null ? ", no bias" : "")})",
            BatchNorm b => $"{b.GetType().Name}({b.num_features}, eps {b.eps:R}, momentum {b.momentum:R}{(b.affine ? "" : ", not affine")})",
            Dropout d => $"Dropout({d.p:R})",
            Dropout2d d => $"Dropout2d({d.p:R})",
            LeakyReLU l => $"LeakyReLU({l.negative_slope:R})",
            GELU g => g.approximate == GELU.Approximate.tanh ? "GELU(tanh)" : "GELU",
            MaxPool2d when layer is MaxPool2dLayer pool => $"MaxPool2d({pool.Window})",
            AvgPool2d when layer is AvgPool2dLayer pool => $"AvgPool2d({pool.Window}{(pool.CountIncludePad ? "" : ", padding not counted")})",
            _ => module.GetType().Name,
        };

        private void Linear(Linear linear, string path)
        {
            if (Shape.Length != 1)
                throw Refuse(path, linear, $"receives [{Join(Shape)}] per row; put an nn.Flatten() before it");
            if (Shape[0] != linear.in_features)
                throw Refuse(path, linear, $"expects {linear.in_features} inputs but receives {Shape[0]}");
            int outputs = (int)linear.out_features;
            Layers.Add(new DenseLayer(Shape[0], outputs, Values(linear.weight!), linear.bias is null ? new float[outputs] : Values(linear.bias)));
            Shape = [outputs];
        }

        private void Conv(Conv2d conv, string path)
        {
            if (Shape.Length != 3)
                throw Refuse(path, conv, $"needs [channels, height, width] per row but receives [{Join(Shape)}]; set {nameof(TorchSharpStudent)}.{nameof(TorchSharpStudent.InputShape)}");
            if (Shape[0] != conv.in_channels)
                throw Refuse(path, conv, $"expects {conv.in_channels} channels but receives [{Join(Shape)}]");
            if (conv.padding_mode != PaddingModes.Zeros)
                throw Refuse(path, conv, $"pads with {conv.padding_mode}; only zero padding can be exported");
            var (kh, kw) = Pair(conv.kernel_size, 1, "kernel_size");
            var (sh, sw) = Pair(conv.stride, 1, "stride");
            var (dh, dw) = Pair(conv.dilation, 1, "dilation");
            Window2d window;
            if (conv.padding_type is Padding.Same)
            {
                // PyTorch's 'same': dilation·(k − 1) zeros in all, the odd one on the bottom/right.
                int th = dh * (kh - 1), tw = dw * (kw - 1);
                window = new Window2d(kh, kw, sh, sw, th / 2, tw / 2, th - th / 2, tw - tw / 2, dh, dw);
            }
            else
            {
                var (ph, pw) = conv.padding_type is Padding.Valid ? (0, 0) : Pair(conv.padding, 0, "padding");
                window = new Window2d(kh, kw, sh, sw, ph, pw, ph, pw, dh, dw);
            }
            var (height, width) = window.Output(Shape[1], Shape[2]);
            if (height <= 0 || width <= 0)
                throw Refuse(path, conv, $"has a {window} window, which does not fit [{Join(Shape)}]");
            int outputs = (int)conv.out_channels;
            Layers.Add(new Conv2dLayer(Shape[0], outputs, window, Values(conv.weight!), conv.bias is null ? new float[outputs] : Values(conv.bias))
            {
                Groups = (int)conv.groups,
            });
            Shape = [outputs, height, width];
        }

        private void BatchNorm(BatchNorm norm, string path, int rank)
        {
            if (Shape.Length != rank || Shape[0] != norm.num_features)
                throw Refuse(path, norm, $"normalises {norm.num_features} {(rank == 1 ? "features" : "channels")} but receives [{Join(Shape)}] per row");
            if (norm.running_mean is null || norm.running_var is null)
                throw Refuse(path, norm, "keeps no running statistics (track_running_stats = false), so in eval mode it normalises each batch by itself, which a fixed graph cannot do");
            int channels = Shape[0];
            var mean = Values(norm.running_mean);
            var variance = Values(norm.running_var);
            var gamma = norm.weight is null ? null : Values(norm.weight);
            var beta = norm.bias is null ? null : Values(norm.bias);
            var scale = new double[channels];
            var shift = new double[channels];
            for (int c = 0; c < channels; c++)
            {
                scale[c] = (gamma?[c] ?? 1.0) / Math.Sqrt(variance[c] + norm.eps);
                shift[c] = (beta?[c] ?? 0.0) - mean[c] * scale[c];
            }
            switch (Layers.LastOrDefault())
            {
                case DenseLayer dense when rank == 1:
                    Layers[^1] = dense with { Weight = ScaleRows(dense.Weight, channels, scale), Bias = Fold(dense.Bias, scale, shift) };
                    break;
                case Conv2dLayer conv when rank == 3:
                    Layers[^1] = conv with { Weight = ScaleRows(conv.Weight, channels, scale), Bias = Fold(conv.Bias, scale, shift) };
                    break;
                default:
                    Layers.Add(new AffineLayer(scale.Select(s => (float)s).ToArray(), shift.Select(s => (float)s).ToArray()));
                    break;
            }
        }

        private void MaxPool(MaxPool2d pool, string path)
        {
            if (pool.ceil_mode)
                throw Refuse(path, pool, "uses ceil_mode, which is not exported");
            if (pool.dilation is { } d && d.Any(v => v != 1))
                throw Refuse(path, pool, "is dilated, which is not exported");
            var window = PoolWindow(pool.kernel_size, pool.stride, pool.padding);
            Layers.Add(new MaxPool2dLayer(window));
            Slide(path, pool, window);
        }

        private void AvgPool(AvgPool2d pool, string path)
        {
            if (pool.ceil_mode)
                throw Refuse(path, pool, "uses ceil_mode, which is not exported");
            if (pool.divisor_override is not null)
                throw Refuse(path, pool, "sets divisor_override, which ONNX's AveragePool cannot express");
            var window = PoolWindow(pool.kernel_size, pool.stride, pool.padding);
            Layers.Add(new AvgPool2dLayer(window, pool.count_include_pad));
            Slide(path, pool, window);
        }

        private void Slide(string path, nn.Module pool, Window2d window)
        {
            if (Shape.Length != 3)
                throw Refuse(path, pool, $"needs [channels, height, width] per row but receives [{Join(Shape)}]");
            var (height, width) = window.Output(Shape[1], Shape[2]);
            if (height <= 0 || width <= 0)
                throw Refuse(path, pool, $"has a {window} window, which does not fit [{Join(Shape)}]");
            Shape = [Shape[0], height, width];
        }

        private void Flatten(Flatten flatten, string path)
        {
            if (flatten.start_dim != 1 || flatten.end_dim != -1)
                throw Refuse(path, flatten, $"flattens dimensions {flatten.start_dim}..{flatten.end_dim}; only Flatten(start_dim: 1, end_dim: -1), one vector per row, is exported");
            Layers.Add(new FlattenLayer());
            Shape = [Shape.Aggregate(1, (a, b) => a * b)];
        }

        private static Window2d PoolWindow(long[] kernel, long[]? stride, long[]? padding)
        {
            var (kh, kw) = Pair(kernel, 1, "kernel_size");
            var (sh, sw) = stride is { Length: > 0 } ? Pair(stride, 1, "stride") : (kh, kw);   // PyTorch: stride defaults to the kernel
            var (ph, pw) = Pair(padding, 0, "padding");
            return new Window2d(kh, kw, sh, sw, ph, pw, ph, pw);
        }

        private static (int, int) Pair(long[]? values, int fallback, string what) => values switch
        {
            null or { Length: 0 } => (fallback, fallback),
            { Length: 1 } => ((int)values[0], (int)values[0]),
            { Length: 2 } => ((int)values[0], (int)values[1]),
            _ => throw new NotSupportedException($"A 2-D layer has {values.Length} values for {what}."),
        };

        /// <summary>Multiplies each output row (channel) of a [out, ...] weight by its scale.</summary>
        private static float[] ScaleRows(float[] weight, int rows, double[] scale)
        {
            var result = new float[weight.Length];
            int perRow = weight.Length / rows;
            for (int i = 0; i < weight.Length; i++)
                result[i] = (float)(weight[i] * scale[i / perRow]);
            return result;
        }

        private static float[] Fold(float[] bias, double[] scale, double[] shift)
            => bias.Select((b, c) => (float)(b * scale[c] + shift[c])).ToArray();

        private static float[] Values(Tensor t) => t.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();

        private static string Join(int[] shape) => string.Join(", ", shape);

        private static NotSupportedException Refuse(string path, nn.Module module, string problem)
            => new($"{Name(path, module)} {problem}.");
    }
}
