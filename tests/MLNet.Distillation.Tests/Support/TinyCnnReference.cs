using System.Text.Json;

namespace MLNet.Distillation.Tests.Support;

/// <summary>The PyTorch-exported tiny CNN teacher and PyTorch's outputs on the first 24 digits (Fixtures/generate_onnx_teacher.py).</summary>
internal static class TinyCnnReference
{
    public static string ModelPath => TestData.Fixture("tiny_cnn_teacher.onnx");

    public static (float[][] Features, float[][] Logits, float[][] Probabilities) Load()
    {
        using var stream = File.OpenRead(TestData.Fixture("tiny_cnn_reference.json"));
        using var document = JsonDocument.Parse(stream);
        float[][] Read(string name) => document.RootElement.GetProperty(name).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        return (Read("features"), Read("logits"), Read("probabilities"));
    }
}
