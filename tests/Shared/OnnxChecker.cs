using System.Diagnostics;

namespace MLNet.Distillation.Testing;

/// <summary>
/// The reference ONNX checker: Python's onnx package (Debian: python3-onnx, installed by .ci/run), run on exported files
/// with <c>full_check</c> (shape inference included). Absent on a developer machine the checks are skipped; on CI its
/// absence fails the test.
/// </summary>
internal static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Whether the checker can run here; false only off CI (on CI its absence is an assertion failure).</summary>
    public static bool Available()
    {
        if (File.Exists(Python) && Run("-c \"import onnx\"").ExitCode == 0)
            return true;
        Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must have python3-onnx to check exported models.");
        return false;
    }

    /// <summary>Asserts that <paramref name="model"/> passes the checker and declares opset 13; <paramref name="label"/> names it in failures.</summary>
    public static void Check(byte[] model, string label)
    {
        var path = Path.Combine(Path.GetTempPath(), $"onnx-check-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        try
        {
            var result = Run($"-c \"import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(m.opset_import[0].version)\" {path}");
            Assert.True(result.ExitCode == 0, $"{label}: {result.Output}");
            Assert.Equal("13", result.Output.Trim());
        }
        finally { File.Delete(path); }
    }

    private static (int ExitCode, string Output) Run(string arguments)
    {
        var info = new ProcessStartInfo(Python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment.Remove("PYTHONPATH");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
