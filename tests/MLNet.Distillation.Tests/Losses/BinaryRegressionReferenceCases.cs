using System.Text.Json;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>Reference values computed by PyTorch (Fixtures/generate_binary_regression_reference.py → binary_regression_reference.json).</summary>
internal static class BinaryRegressionReference
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(TestData.Fixture("binary_regression_reference.json"))));

    public static IReadOnlyList<JsonElement> Binary => Document.Value.RootElement.GetProperty("binary").EnumerateArray().ToList();

    public static IReadOnlyList<JsonElement> Regression => Document.Value.RootElement.GetProperty("regression").EnumerateArray().ToList();

    public static IEnumerable<object[]> BinaryIndices => Binary.Select((_, i) => new object[] { i });

    public static IEnumerable<object[]> RegressionIndices => Regression.Select((_, i) => new object[] { i });

    public static double[] Doubles(this JsonElement c, string name)
        => c.GetProperty(name).EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();

    public static double Double(this JsonElement c, string name) => c.GetProperty(name).GetDouble();
}
