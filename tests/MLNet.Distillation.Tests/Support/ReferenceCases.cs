using System.Text.Json;

namespace MLNet.Distillation.Tests.Support;

/// <summary>Reads the <c>cases</c> array of a reference-value fixture (written by a Python script in Fixtures/) as records.</summary>
internal static class ReferenceCases
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static List<T> Load<T>(string fixture)
    {
        using var stream = File.OpenRead(TestData.Fixture(fixture));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Deserialize<T>(Options)!).ToList();
    }
}
