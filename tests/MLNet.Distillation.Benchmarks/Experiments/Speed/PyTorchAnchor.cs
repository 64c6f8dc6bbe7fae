using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// A lean PyTorch loop on OpenBLAS, the fair anchor for the library's training epoch (PyTorchAnchor/README.md): writes
/// the rows once as raw arrays, then times one run of <c>epoch.py</c> per call in a process of its own. Not available
/// (<see cref="Missing"/> says why) without Debian's python3-torch or when libblas.so.3 is not OpenBLAS.
/// </summary>
internal sealed class PyTorchAnchor : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly string _folder;
    private readonly int _rows;
    private readonly string _script;

    public PyTorchAnchor(float[] features, long[] labels, float[] teacherLogits, int rows)
    {
        _rows = rows;
        _script = Path.Combine(AppContext.BaseDirectory, "PyTorchAnchor", "epoch.py");
        _folder = Directory.CreateTempSubdirectory("pytorch-anchor").FullName;
        File.WriteAllBytes(Path.Combine(_folder, "features.f32"), MemoryMarshal.AsBytes(features.AsSpan()).ToArray());
        File.WriteAllBytes(Path.Combine(_folder, "labels.i64"), MemoryMarshal.AsBytes(labels.AsSpan()).ToArray());
        File.WriteAllBytes(Path.Combine(_folder, "teacher.f32"), MemoryMarshal.AsBytes(teacherLogits.AsSpan()).ToArray());
        Missing = !File.Exists(Python) ? $"{Python} is missing (run PyTorchAnchor/install.sh)" : null;
    }

    /// <summary>Why the anchor cannot run, or null.</summary>
    public string? Missing { get; private set; }

    /// <summary>The BLAS libraries the last run's process mapped.</summary>
    public string? Blas { get; private set; }

    /// <summary>The torch version the anchor ran.</summary>
    public string? TorchVersion { get; private set; }

    /// <summary>The fastest epoch after the first of a three-epoch run (the first pays for warming up), or null when <see cref="Missing"/>.</summary>
    public double? Epoch(int batch, bool distilled)
    {
        if (Missing is not null)
            return null;
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { _script, "--data", _folder, "--rows", _rows.ToString(CultureInfo.InvariantCulture), "--batch", batch.ToString(CultureInfo.InvariantCulture), "--epochs", "3" })
            start.ArgumentList.Add(argument);
        if (distilled)
            start.ArgumentList.Add("--distilled");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Missing = $"epoch.py failed ({process.ExitCode}): {error.Trim().Split('\n').LastOrDefault()}";
            return null;
        }
        using var document = JsonDocument.Parse(output.Result);
        var root = document.RootElement;
        Blas = string.Join(", ", root.GetProperty("blas").EnumerateArray().Select(b => Path.GetFileName(b.GetString())));
        TorchVersion = root.GetProperty("torch").GetString();
        if (!Blas.Contains("openblas", StringComparison.OrdinalIgnoreCase))
        {
            Missing = $"torch mapped {Blas}, not OpenBLAS (run PyTorchAnchor/install.sh)";
            return null;
        }
        return root.GetProperty("seconds").EnumerateArray().Skip(1).Min(s => s.GetDouble());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
