using System.Diagnostics;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Build;

/// <summary>The build's libLibTorchSharp.so fix (src/MLNet.Distillation/build/MLNet.Distillation.targets).</summary>
public sealed class NativeLoaderTests
{
    [Fact]
    public void Torchsharp_loads_and_trains_a_tiny_network()
    {
        random.manual_seed(0);
        using var scope = NewDisposeScope();
        var x = randn(64, 3);
        var y = (x.select(1, 0) * 2 - x.select(1, 1) + 0.5f).unsqueeze(1);
        var model = nn.Linear(3, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            var loss = nn.functional.mse_loss(model.forward(x), y);
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        Assert.True(last < first * 1e-3, $"loss went from {first} to {last}");
    }

    [Fact]
    public void Output_copy_marks_glibcxx_3_4_32_weak_when_the_system_lacks_it()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var library = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault();
        Assert.NotNull(library);
        var systemLibrary = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        if (systemLibrary is null || !File.Exists("/usr/bin/readelf"))
            return;
        bool systemHasVersion = Contains(File.ReadAllBytes(systemLibrary), "GLIBCXX_3.4.32\0"u8.ToArray());

        var info = new ProcessStartInfo("/usr/bin/readelf", $"-V \"{library}\"") { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var line = process.StandardOutput.ReadToEnd().Split('\n').FirstOrDefault(l => l.Contains("Name: GLIBCXX_3.4.32"));
        process.WaitForExit();
        Assert.NotNull(line);
        Assert.Equal(!systemHasVersion, line.Contains("Flags: WEAK"));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
