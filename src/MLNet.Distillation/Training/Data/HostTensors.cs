using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Tensors over managed arrays without copying them: <c>torch.from_array</c> pins the array and shares its memory
/// (<c>torch.tensor(array)</c> would copy it, element by element, at about 0.4 GB/s). On another device than the CPU
/// the one copy to that device is the only one.
/// </summary>
internal static class HostTensors
{
    public static Tensor Share(Array values, Device device)
    {
        var host = from_array(values);
        if (device.type == TorchSharp.DeviceType.CPU)
            return host;
        using (host)
            return host.to(device);
    }

    /// <summary>
    /// Every row of <paramref name="table"/> as one [rows, width] tensor in memory of libtorch's own (64-byte aligned, so
    /// that kernels take the same code path in every run), copied by libtorch from the chunks (a memcpy).
    /// </summary>
    public static Tensor Rows(FloatRows table, Device device)
    {
        using var scope = NewDisposeScope();
        var parts = table.FilledChunks().Select(chunk => from_array(ToArray(chunk)).narrow(0, 0, chunk.Length)).ToList();
        var joined = parts.Count == 1 ? parts[0].clone() : cat(parts, 0);
        return joined.view(table.Count, table.Width).to(device).MoveToOuterDisposeScope();
    }

    private static float[] ToArray(Memory<float> chunk)
        => System.Runtime.InteropServices.MemoryMarshal.TryGetArray<float>(chunk, out var segment) && segment.Offset == 0
            ? segment.Array! : throw new InvalidOperationException("A table chunk is not the start of an array.");
}
