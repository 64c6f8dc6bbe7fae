using System.Text.Json;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>Decoupled KD reference values computed by PyTorch with mdistiller's code (Fixtures/generate_dkd_reference.py → dkd_reference.json).</summary>
internal sealed record DKDReferenceCase(int Batch, int Classes, double Temperature, double Alpha, double Beta, int Epoch, int Warmup,
    int UnlabelledRow, double[] Student, double[] Teacher, long[] Labels, double Tckd, double Nckd, double Loss, double[] Grad)
{
    public static IReadOnlyList<DKDReferenceCase> All { get; } = Load();

    public static IEnumerable<object[]> Indices => All.Select((_, i) => new object[] { i });

    private static List<DKDReferenceCase> Load()
    {
        using var stream = File.OpenRead(TestData.Fixture("dkd_reference.json"));
        using var document = JsonDocument.Parse(stream);
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => c.Deserialize<DKDReferenceCase>(options)!).ToList();
    }
}
