using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>Relation KD reference values computed by PyTorch with the authors' code (Fixtures/generate_relation_reference.py → relation_reference.json).</summary>
internal sealed record RelationReferenceCase(int Batch, int Width, double[] Student, double[] Teacher,
    double RkdDistance, double[] RkdDistanceGrad, double RkdAngle, double[] RkdAngleGrad, double Sp, double[] SpGrad)
{
    public static IReadOnlyList<RelationReferenceCase> All { get; } = ReferenceCases.Load<RelationReferenceCase>("relation_reference.json");

    public static IEnumerable<object[]> Indices => All.Select((_, i) => new object[] { i });
}
