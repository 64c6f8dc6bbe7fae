using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// AdamW over one contiguous buffer. Every parameter of the network becomes a view into one flat tensor, and its gradient
/// a view into another (autograd adds into an existing gradient in place), so zeroing the gradients is one operation and
/// a step is eight, whatever the number of parameters; TorchSharp's AdamW runs about eight per parameter tensor, and on a
/// small network that per-call cost, not arithmetic, dominates a mini-batch. The step is PyTorch's single-tensor AdamW,
/// operation for operation (decoupled weight decay, then the moment updates, bias-corrected step); a test pins it to
/// torch.optim.AdamW's values.
/// </summary>
internal sealed class FlatAdamW : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly Tensor _parameters, _gradients, _mean, _variance;
    private readonly double _learningRate, _weightDecay;
    private long _step;

    public FlatAdamW(IReadOnlyList<Parameter> parameters, double learningRate, double weightDecay)
    {
        _learningRate = learningRate;
        _weightDecay = weightDecay;
        long total = parameters.Sum(p => p.numel());
        var device = parameters[0].device;
        _parameters = empty(total, dtype: ScalarType.Float32, device: device);
        _gradients = zeros(total, dtype: ScalarType.Float32, device: device);
        _mean = zeros(total, dtype: ScalarType.Float32, device: device);
        _variance = zeros(total, dtype: ScalarType.Float32, device: device);
        long offset = 0;
        using (no_grad())
            foreach (var parameter in parameters)
            {
                long n = parameter.numel();
                using var values = _parameters.narrow(0, offset, n).view(parameter.shape);
                values.copy_(parameter);
                parameter.set_(values);
                using var gradient = _gradients.narrow(0, offset, n).view(parameter.shape);
                parameter.grad = gradient;
                offset += n;
            }
    }

    /// <summary>Steps taken so far.</summary>
    public long StepCount => _step;

    public void ZeroGrad() => _gradients.zero_();

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _step++;
        if (_weightDecay != 0)
            _parameters.mul_(1 - _learningRate * _weightDecay);
        _mean.lerp_(_gradients, 1 - Beta1);
        _variance.mul_(Beta2).addcmul_(_gradients, _gradients, 1 - Beta2);
        double biasCorrection1 = 1 - Math.Pow(Beta1, _step);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, _step));
        var denominator = (_variance.sqrt() / biasCorrection2Sqrt).add_(Epsilon);
        _parameters.addcdiv_(_mean, denominator, -_learningRate / biasCorrection1);
    }

    /// <summary>The moments and the step count, for a checkpoint.</summary>
    public byte[] SaveState()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(_step);
        foreach (var tensor in new[] { _mean, _variance })
        {
            var values = tensor.cpu().data<float>().ToArray();
            writer.Write(values.Length);
            foreach (var v in values) writer.Write(v);
        }
        writer.Flush();
        return stream.ToArray();
    }

    public void LoadState(byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        _step = reader.ReadInt64();
        using var _ = no_grad();
        foreach (var tensor in new[] { _mean, _variance })
        {
            var values = new float[reader.ReadInt32()];
            for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
            using var loaded = torch.tensor(values, device: tensor.device);
            tensor.copy_(loaded);
        }
    }

    public void Dispose()
    {
        _parameters.Dispose();
        _gradients.Dispose();
        _mean.Dispose();
        _variance.Dispose();
    }
}
