namespace MLNet.Distillation.Testing;

/// <summary>This test assembly's name, for the shared <see cref="SkippableFactAttribute"/>'s discoverer.</summary>
internal static class TestAssembly
{
    public const string Name = "MLNet.Distillation.Tests";
}
