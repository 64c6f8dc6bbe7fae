using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Gathers a batch of rows from a <see cref="FloatRows"/> table into one reused buffer that a [rows, width] tensor shares
/// (<see cref="PinnedFloats"/>: pinned, 64-byte aligned, no copy), and hands out that tensor (narrowed for a short batch,
/// moved for a non-CPU device). The buffer is overwritten by the next gather: a batch's tensor is valid until then (the
/// training loop finishes with a batch, backward pass included, before it gathers the next).
/// </summary>
internal sealed class BatchGather : IDisposable
{
    private readonly PinnedFloats _buffer;
    private readonly Tensor _shared;
    private readonly Device _device;

    public BatchGather(int rows, int width, Device device)
    {
        if ((long)rows * width > PinnedFloats.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(rows), $"A batch of {rows:N0} rows × {width:N0} features does not fit in one array; use a smaller BatchSize.");
        Rows = rows;
        Width = width;
        _device = device;
        _buffer = new PinnedFloats((long)rows * width, zeroed: false);
        _shared = _buffer.Tensor.view(rows, width).DetachFromDisposeScope();
    }

    /// <summary>The most rows one gather holds.</summary>
    public int Rows { get; }

    public int Width { get; }

    /// <summary>The rows at <paramref name="rows"/> (at most <see cref="Rows"/>), in that order, as a tensor on the device.</summary>
    public Tensor Gather(FloatRows table, ReadOnlySpan<int> rows)
    {
        table.Gather(rows, _buffer.Span);
        var batch = rows.Length == Rows ? _shared.alias() : _shared.narrow(0, 0, rows.Length);
        return _device.type == TorchSharp.DeviceType.CPU ? batch : batch.to(_device);
    }

    public void Dispose()
    {
        _shared.Dispose();
        _buffer.Dispose();
    }
}
