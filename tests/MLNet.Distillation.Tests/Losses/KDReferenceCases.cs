using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>Reference values computed by PyTorch (Fixtures/generate_kd_reference.py → kd_reference.json).</summary>
internal sealed record KDReferenceCase(int Batch, int Classes, double Temperature, double Alpha, double[] Student, double[] Teacher,
    long[] Labels, double Ce, double Kd, double Loss, double[] Grad, double LogitMse)
{
    public static IReadOnlyList<KDReferenceCase> All { get; } = ReferenceCases.Load<KDReferenceCase>("kd_reference.json");

    public static IEnumerable<object[]> Indices => All.Select((_, i) => new object[] { i });
}
