using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Feeds batches of table rows to a student: dense rows gathered into a pinned buffer (<see cref="BatchGather"/>), or
/// sparse rows as their non-zeros (<see cref="SparseBatchGather"/>) for a network whose first layer reads them. The
/// training loop and validation ask this for a batch's outputs and need not know which.
/// </summary>
internal sealed class BatchInputs : IDisposable
{
    private readonly BatchGather? _dense;
    private readonly SparseBatchGather? _sparse;

    /// <param name="sparse">Whether the tables hold sparse features.</param>
    /// <param name="rows">The most rows one batch holds.</param>
    /// <param name="width">Features per row.</param>
    /// <param name="device">Where the network runs.</param>
    public BatchInputs(bool sparse, int rows, int width, Device device)
    {
        if (sparse)
            _sparse = new SparseBatchGather(width, device);
        else
            _dense = new BatchGather(rows, width, device);
        Rows = rows;
    }

    /// <summary>The most rows one batch holds.</summary>
    public int Rows { get; }

    /// <summary>
    /// The network's outputs for <paramref name="rows"/> of <paramref name="table"/>, capturing the layers named in
    /// <paramref name="taps"/>; <paramref name="denseFeatures"/> is the dense batch it read (null for sparse rows), valid
    /// until the next batch. With <paramref name="forStep"/> the outputs are a training step's
    /// (<see cref="StudentNetwork.ForwardForStep"/>: backpropagate with <see cref="StudentNetwork.BackwardForStep"/>).
    /// </summary>
    public Tensor Forward(StudentNetwork network, TrainingTable table, ReadOnlySpan<int> rows, Dictionary<string, Tensor?>? taps,
        out Tensor? denseFeatures, bool forStep = false)
    {
        if (_sparse is not null)
        {
            denseFeatures = null;
            return network.ForwardSparse(_sparse.Gather(table.SparseFeatures!, rows), taps);
        }
        denseFeatures = _dense!.Gather(table.Features!, rows);
        return forStep ? network.ForwardForStep(denseFeatures, taps) : network.Forward(denseFeatures, taps);
    }

    public void Dispose() => _dense?.Dispose();
}
