using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Gathers a batch of rows from a <see cref="FloatRows"/> table into one reused buffer that a [rows, width] tensor shares
/// (pinned, no copy), and hands out that tensor (narrowed for a short batch, moved for a non-CPU device). The buffer is
/// overwritten by the next gather: a batch's tensor is valid until then (the training loop finishes with a batch,
/// backward pass included, before it gathers the next).
/// <para>
/// The tensor starts on a 64-byte boundary, as libtorch's own allocations do: BLAS kernels choose their code path by the
/// alignment of their inputs, so a batch at another alignment in each run (a managed array lands wherever the heap puts
/// it) would make the same seed give a slightly different student from one run to the next.
/// </para>
/// </summary>
internal sealed class BatchGather : IDisposable
{
    private const int Alignment = 64;
    private readonly float[] _buffer;
    private readonly int _offset;
    private readonly Tensor _shared;
    private readonly Device _device;

    public BatchGather(int rows, int width, Device device)
    {
        if ((long)rows * width > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(rows), $"A batch of {rows:N0} rows × {width:N0} features does not fit in one array; use a smaller BatchSize.");
        Rows = rows;
        Width = width;
        _device = device;
        // Pinned (it never moves), with room to start the batch at the next 64-byte boundary.
        _buffer = GC.AllocateUninitializedArray<float>(rows * width + Alignment / sizeof(float), pinned: true);
        _offset = AlignedOffset(_buffer);
        using var flat = frombuffer(_buffer, ScalarType.Float32, (long)rows * width, _offset);
        _shared = flat.view(rows, width).DetachFromDisposeScope();
    }

    /// <summary>The most rows one gather holds.</summary>
    public int Rows { get; }

    public int Width { get; }

    /// <summary>The rows at <paramref name="rows"/> (at most <see cref="Rows"/>), in that order, as a tensor on the device.</summary>
    public Tensor Gather(FloatRows table, ReadOnlySpan<int> rows)
    {
        table.Gather(rows, _buffer.AsSpan(_offset));
        var batch = rows.Length == Rows ? _shared.alias() : _shared.narrow(0, 0, rows.Length);
        return _device.type == TorchSharp.DeviceType.CPU ? batch : batch.to(_device);
    }

    public void Dispose() => _shared.Dispose();

    /// <summary>Floats to skip so that the array's data starts on an <see cref="Alignment"/>-byte boundary.</summary>
    private static int AlignedOffset(float[] pinned)
    {
        // The array lives on the pinned-object heap: its address read now holds for its lifetime.
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(pinned, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            long start = handle.AddrOfPinnedObject();
            return (int)((Alignment - start % Alignment) % Alignment / sizeof(float));
        }
        finally { handle.Free(); }
    }
}
