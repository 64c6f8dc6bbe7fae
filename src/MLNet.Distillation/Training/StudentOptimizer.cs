using TorchSharp.Modules;

namespace MLNet.Distillation;

/// <summary>
/// The optimiser of one training run: <see cref="FlatAdamW"/> over the dense parameters and, when the student's first
/// layer reads sparse rows, <see cref="SparseRowAdamW"/> over that layer's table (kept out of the flat buffer: stepping
/// a 15-million-value table every batch is what made text students slow).
/// </summary>
internal sealed class StudentOptimizer : IDisposable
{
    private readonly FlatAdamW _dense;
    private readonly SparseRowAdamW? _sparse;

    public StudentOptimizer(IEnumerable<Parameter> parameters, SparseLinear? sparseInput, double learningRate, double weightDecay,
        SparseFeatureStep sparseStep = SparseFeatureStep.PerWeight)
    {
        var dense = parameters.Where(p => sparseInput is null || !ReferenceEquals(p, sparseInput.Weight)).ToList();
        _dense = new FlatAdamW(dense, learningRate, weightDecay);
        _sparse = sparseInput is null ? null : new SparseRowAdamW(sparseInput, learningRate, weightDecay, sparseStep);
    }

    public void ZeroGrad() => _dense.ZeroGrad();

    public void Step()
    {
        _dense.Step();
        _sparse?.Step();
    }

    /// <summary>The optimisers' state for a checkpoint (a dense-only run writes <see cref="FlatAdamW"/>'s state as it always has).</summary>
    public byte[] SaveState()
    {
        var dense = _dense.SaveState();
        if (_sparse is null)
            return dense;
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(dense.Length);
            writer.Write(dense);
            _sparse.SaveState(writer);
        }
        return stream.ToArray();
    }

    public void LoadState(byte[] state)
    {
        if (_sparse is null)
        {
            _dense.LoadState(state);
            return;
        }
        using var reader = new BinaryReader(new MemoryStream(state));
        _dense.LoadState(reader.ReadBytes(reader.ReadInt32()));
        _sparse.LoadState(reader);
    }

    public void Dispose()
    {
        _dense.Dispose();
        _sparse?.Dispose();
    }
}
