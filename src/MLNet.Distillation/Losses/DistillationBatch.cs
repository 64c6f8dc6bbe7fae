using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>What a loss term sees of one mini-batch. Tensors live on the training device.</summary>
public sealed class DistillationBatch
{
    /// <summary>Creates a batch view.</summary>
    /// <param name="studentLogits">The student's logits, [B, K], attached to the autograd graph.</param>
    /// <param name="labels">Class indices (0-based), [B] int64, −1 for an unlabelled row; null when training without labels.</param>
    /// <param name="teacherLogits">The teacher's logits, [B, K]; null when training without a teacher.</param>
    /// <param name="epoch">Zero-based epoch, for terms with warm-up schedules.</param>
    public DistillationBatch(Tensor studentLogits, Tensor? labels, Tensor? teacherLogits, int epoch)
    {
        StudentLogits = studentLogits;
        Labels = labels;
        TeacherLogits = teacherLogits;
        Epoch = epoch;
    }

    /// <summary>The student's logits, [B, K].</summary>
    public Tensor StudentLogits { get; }

    /// <summary>Class indices, [B] int64 (−1 marks an unlabelled row), or null.</summary>
    public Tensor? Labels { get; }

    /// <summary>The teacher's logits, [B, K], or null. Constant: no gradient flows into the teacher.</summary>
    public Tensor? TeacherLogits { get; }

    /// <summary>Zero-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>The labels, or an error naming <paramref name="loss"/> when the run has none.</summary>
    /// <param name="loss">The asking term's name.</param>
    public Tensor RequireLabels(string loss) => Labels
        ?? throw new InvalidOperationException($"Loss '{loss}' needs labels, but this training run has no label column.");

    /// <summary>The teacher's logits, or an error naming <paramref name="loss"/> when the run has none.</summary>
    /// <param name="loss">The asking term's name.</param>
    public Tensor RequireTeacher(string loss) => TeacherLogits
        ?? throw new InvalidOperationException($"Loss '{loss}' needs teacher logits, but this training run has no teacher column.");
}
