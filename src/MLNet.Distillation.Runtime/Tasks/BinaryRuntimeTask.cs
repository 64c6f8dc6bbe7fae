using System.Numerics.Tensors;

namespace MLNet.Distillation.Runtime;

/// <summary>Yes or no: one logit, <c>Score</c> is the logit, the class is 1 above 0, the probability its sigmoid.</summary>
internal sealed class BinaryRuntimeTask : RuntimeTask
{
    public static BinaryRuntimeTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.BinaryClassification;

    /// <summary>Only a binary export writes <c>Probability</c>.</summary>
    public override bool Writes(IReadOnlySet<string> outputs) => outputs.Contains("Probability");

    public override string? NoProbability => null;

    /// <summary>1 when the logit is above 0, else 0 (NaN included, as ML.NET's binary trainers).</summary>
    public override int ClassOf(ReadOnlySpan<float> logits) => logits[0] > 0 ? 1 : 0;

    /// <summary>The sigmoid of the logit, ML.NET's <c>Probability</c>, through the same vectorised kernel as before.</summary>
    public override float Probability(ReadOnlySpan<float> logits, Span<float> buffer)
    {
        buffer[0] = logits[0];
        TensorPrimitives.Sigmoid(buffer, buffer);
        return buffer[0];
    }
}
