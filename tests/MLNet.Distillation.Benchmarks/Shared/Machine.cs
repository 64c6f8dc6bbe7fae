using System.Globalization;
using System.Runtime.InteropServices;

namespace MLNet.Distillation.Benchmarks;

/// <summary>What the figures were measured on.</summary>
internal static class Machine
{
    public static Dictionary<string, string> Describe() => new()
    {
        ["processors"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
        ["os"] = RuntimeInformation.OSDescription,
        ["dotnet"] = Environment.Version.ToString(),
        ["cpu"] = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "" : "",
        ["torch_threads"] = TorchSharp.torch.get_num_threads().ToString(CultureInfo.InvariantCulture),
    };
}
