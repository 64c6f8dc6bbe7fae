using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// For students whose export is checked (custom students, <see cref="StudentNetwork.ChecksExport"/>): keeps a few
/// training rows from the first batch and, after training, compares the exported layers with the trained network on them
/// (<see cref="ExportProbe"/>).
/// </summary>
/// <param name="enabled">Whether the student's export is checked.</param>
internal sealed class ExportCheck(bool enabled) : IDisposable
{
    private const int ProbeRows = 16;
    private Tensor? _probe;

    /// <summary>Keeps the first rows of the first batch that has dense features.</summary>
    public void Capture(Tensor? features, int batchRows)
    {
        if (enabled && _probe is null && features is not null)
            _probe = features.narrow(0, 0, Math.Min(batchRows, ProbeRows)).detach().clone().DetachFromDisposeScope();
    }

    /// <summary>Throws when <paramref name="layers"/> compute other outputs than <paramref name="network"/> on the kept rows.</summary>
    /// <param name="network">The trained network.</param>
    /// <param name="layers">Its exported layers.</param>
    /// <param name="featureCount">Input width (for the stand-in rows).</param>
    /// <param name="outputCount">Output width.</param>
    /// <param name="seed">Seeds the random rows that stand in for training rows when a resumed run saw no batch.</param>
    /// <param name="device">Where the network lives.</param>
    public void Verify(StudentNetwork network, IReadOnlyList<StudentLayer> layers, int featureCount, int outputCount, int seed, Device device)
    {
        if (!enabled)
            return;
        if (_probe is null)
        {
            using var generator = new Generator((ulong)seed);
            var cpu = randn(ProbeRows, featureCount, generator: generator);
            _probe = cpu.to(device);
            if (!ReferenceEquals(_probe, cpu))
                cpu.Dispose();
        }
        ExportProbe.Verify(network, layers, _probe, outputCount, "After training");
    }

    public void Dispose() => _probe?.Dispose();
}
