using System.Numerics.Tensors;

namespace MLNet.Distillation.Runtime;

/// <summary>One of K classes: K logits, <c>Score</c> their softmax, the class the index of the highest.</summary>
internal sealed class MulticlassRuntimeTask : RuntimeTask
{
    public static MulticlassRuntimeTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.MulticlassClassification;

    /// <summary>A multiclass export writes <c>PredictedLabel</c> without <c>Probability</c> (binary, asked first, has both).</summary>
    public override bool Writes(IReadOnlySet<string> outputs) => outputs.Contains("PredictedLabel");

    public override bool HasOneLogit => false;

    /// <summary>The class probabilities.</summary>
    public override void Score(ReadOnlySpan<float> logits, Span<float> score) => TensorPrimitives.SoftMax(logits, score);

    /// <summary>
    /// The index of the highest logit (the first on ties, as ONNX's ArgMax), or −1 when they are NaN (a NaN feature: the
    /// saved ML.NET model predicts the missing key then, never a class).
    /// </summary>
    public override int ClassOf(ReadOnlySpan<float> logits)
        => TensorPrimitives.IndexOfMax(logits) is int best && !float.IsNaN(logits[best]) ? best : -1;
}
