using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// A linear map from a text encoder's vectors to a teacher's outputs: logits = W · e + b, one row of W per output (one
/// logit for a binary head, one per class, one prediction for regression). Fitted once, on in-memory embeddings of the
/// labelled rows, deterministically: ML.NET's L-BFGS trainers on one thread (logistic and softmax regression), and a
/// closed-form ridge solution for regression.
/// </summary>
internal sealed class TextHead
{
    /// <param name="task">What the head predicts.</param>
    /// <param name="weights">W, row-major: <paramref name="bias"/>.Length rows of the embedding size.</param>
    /// <param name="bias">b, one per output.</param>
    /// <param name="classNames">The label's class names in output order (multiclass), else null.</param>
    public TextHead(TrainingTask task, float[] weights, float[] bias, string[]? classNames)
    {
        Task = task;
        Weights = weights;
        Bias = bias;
        ClassNames = classNames;
    }

    /// <summary>What the head predicts; its <see cref="TrainingTask.TextHead"/> fitted it.</summary>
    public TrainingTask Task { get; }

    public float[] Weights { get; }

    public float[] Bias { get; }

    public string[]? ClassNames { get; }

    /// <summary>Outputs per row.</summary>
    public int Outputs => Bias.Length;

    /// <summary>The head's kind in words, for the teacher's description ("logistic-regression").</summary>
    public string Name => Task.TextHead.Name(Outputs);

    /// <summary>Writes W · embedding + b into <paramref name="target"/>.</summary>
    public void Apply(ReadOnlySpan<float> embedding, Span<float> target)
    {
        int size = embedding.Length;
        for (int k = 0; k < Bias.Length; k++)
        {
            double sum = Bias[k];
            var row = Weights.AsSpan(k * size, size);
            for (int d = 0; d < size; d++)
                sum += (double)row[d] * embedding[d];
            target[k] = (float)sum;
        }
    }

    /// <summary>A digest of the head: its task, weights, bias and class names.</summary>
    public string Fingerprint() => Teacher.Digest("text-head", Task.Kind, Bytes(Weights), Bytes(Bias), string.Join("\n", ClassNames ?? []));

    private static byte[] Bytes(float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>
    /// The task a label column asks for, read as the distillation trainers read labels: Boolean binary, a key multiclass,
    /// Single regression (each task's <see cref="TextHeadFitter.TakesLabel"/> says); throws naming the column and its type otherwise.
    /// </summary>
    public static TrainingTask TaskFor(DataViewSchema.Column label)
    {
        var view = ColumnView.From(label);
        return TrainingTask.All.FirstOrDefault(t => t.TextHead.TakesLabel(view))
            ?? throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label.Name}' is {view.TypeDescription}; " +
                "a text teacher's head is fitted to a Boolean label (binary), a key label (multiclass: map text classes with MapValueToKey) " +
                "or a Single label (regression).");
    }
}
