using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>Decoupled KD reference values computed by PyTorch with mdistiller's code (Fixtures/generate_dkd_reference.py → dkd_reference.json).</summary>
internal sealed record DKDReferenceCase(int Batch, int Classes, double Temperature, double Alpha, double Beta, int Epoch, int Warmup,
    int UnlabelledRow, double[] Student, double[] Teacher, long[] Labels, double Tckd, double Nckd, double Loss, double[] Grad)
{
    public static IReadOnlyList<DKDReferenceCase> All { get; } = ReferenceCases.Load<DKDReferenceCase>("dkd_reference.json");

    public static IEnumerable<object[]> Indices => All.Select((_, i) => new object[] { i });
}
