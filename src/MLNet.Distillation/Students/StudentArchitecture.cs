namespace MLNet.Distillation;

/// <summary>Describes a student network; the trainer builds it once the input size and class count are known.</summary>
public abstract class StudentArchitecture
{
    /// <summary>Builds a freshly initialised network (initialisation draws from TorchSharp's seeded generator).</summary>
    internal abstract StudentNetwork Build(int inputSize, int classCount);

    /// <summary>A copy sharing no mutable state (arrays included): trainers keep their own copy of the options.</summary>
    internal abstract StudentArchitecture Copy();

    /// <summary>A short description such as <c>MLP 784-64-10</c>.</summary>
    /// <param name="inputSize">Features per row.</param>
    /// <param name="classCount">Number of classes.</param>
    public abstract string Describe(int inputSize, int classCount);
}
