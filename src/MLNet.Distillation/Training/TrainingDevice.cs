using TorchSharp;

namespace MLNet.Distillation;

/// <summary>Turns the <c>Device</c> option into a TorchSharp device, with errors that say what to do.</summary>
internal static class TrainingDevice
{
    public static torch.Device Resolve(string device)
    {
        var kind = device?.Split(':')[0].Trim().ToLowerInvariant();
        if (kind is not ("cpu" or "cuda"))
            throw new ArgumentException($"Options.Device '{device}' is not supported; use 'cpu', 'cuda' or 'cuda:N'.", nameof(device));
        // Ask before touching the device: TorchSharp throws from deep inside its initialisation otherwise.
        if (kind == "cuda" && !torch.cuda.is_available())
            throw new InvalidOperationException($"Options.Device is '{device}' but CUDA is not available to TorchSharp here " +
                "(the TorchSharp-cpu package has no CUDA support; reference TorchSharp-cuda-linux or TorchSharp-cuda-windows on a machine with a GPU).");
        try { return torch.device(device!); }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        { throw new ArgumentException($"Options.Device '{device}' is not a TorchSharp device: {e.Message}", nameof(device), e); }
    }
}
