using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Floats in managed memory that a one-dimensional libtorch tensor shares without copying: pinned (the array never moves)
/// and starting on a 64-byte boundary, as libtorch's own allocations do. BLAS kernels choose their code path by the
/// alignment of their operands, so a buffer at another alignment in each run (a managed array lands wherever the heap
/// puts it) would make the same seed give a slightly different student from one run to the next. The managed side
/// (<see cref="Span"/>) lets C# loops work on the same memory between libtorch calls.
/// </summary>
internal sealed class PinnedFloats : IDisposable
{
    private const int Alignment = 64;
    private readonly float[] _array;
    private readonly int _offset;

    /// <param name="length">Floats the buffer holds.</param>
    /// <param name="zeroed">Whether they start at zero (otherwise their values are undefined).</param>
    public PinnedFloats(long length, bool zeroed)
    {
        if (length > MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), $"{length:N0} floats do not fit in one array.");
        Length = (int)length;
        int room = Length + Alignment / sizeof(float);
        _array = zeroed ? GC.AllocateArray<float>(room, pinned: true) : GC.AllocateUninitializedArray<float>(room, pinned: true);
        _offset = AlignedOffset(_array);
        Tensor = frombuffer(_array, ScalarType.Float32, Length, _offset).DetachFromDisposeScope();
    }

    /// <summary>The most floats one buffer holds: an array's limit less the room kept for alignment.</summary>
    public static int MaxLength => Array.MaxLength - Alignment / sizeof(float);

    /// <summary>Floats in the buffer.</summary>
    public int Length { get; }

    /// <summary>The buffer as a one-dimensional float tensor on the CPU (the same memory as <see cref="Span"/>).</summary>
    public Tensor Tensor { get; }

    /// <summary>The buffer as managed memory (the same memory as <see cref="Tensor"/>).</summary>
    public Span<float> Span => _array.AsSpan(_offset, Length);

    /// <summary>The buffer as managed memory that can be passed on and sliced across threads.</summary>
    public Memory<float> Memory => _array.AsMemory(_offset, Length);

    public void Dispose() => Tensor.Dispose();

    /// <summary>Floats to skip so that the array's data starts on an <see cref="Alignment"/>-byte boundary.</summary>
    private static int AlignedOffset(float[] pinned)
    {
        // The array lives on the pinned-object heap: its address read now holds for its lifetime.
        var handle = GCHandle.Alloc(pinned, GCHandleType.Pinned);
        try
        {
            long start = handle.AddrOfPinnedObject();
            return (int)((Alignment - start % Alignment) % Alignment / sizeof(float));
        }
        finally { handle.Free(); }
    }
}
