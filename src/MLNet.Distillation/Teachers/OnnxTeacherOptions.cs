namespace MLNet.Distillation;

/// <summary>How an ONNX teacher is fed from the data and which of its outputs holds the class scores.</summary>
public sealed class OnnxTeacherOptions
{
    /// <summary>The data column fed to the model: a known-size float vector. Default <c>Features</c>.</summary>
    public string InputColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>The model input that receives the column; null when the model has exactly one input.</summary>
    public string? OnnxInputName { get; set; }

    /// <summary>The model output holding the class scores; null for the model's first output.</summary>
    public string? OnnxOutputName { get; set; }

    /// <summary>
    /// The shape of one row as the model expects it, without the batch dimension: for example <c>[1, 28, 28]</c>
    /// to feed a 784-float column as [N, 1, 28, 28] images. Null takes it from the model's declared input shape.
    /// </summary>
    public int[]? InputShape { get; set; }

    /// <summary>
    /// Whether the output holds logits or probabilities (probabilities become log-probabilities, or a binary probability its
    /// logit). Null (the default) reads the output as logits, but a trainer (and <c>Evaluate</c>) refuses it when its
    /// values are plainly probabilities: every row summing to 1 with values in [0, 1] (several per row), or every value in
    /// [0, 1] (one per row), over at least 30 rows; the error asks to set this option. ONNX models often name a probability
    /// output <c>Probability</c> or a softmax output <c>Score</c> (ML.NET's own export does), and read as logits they would
    /// teach squashed targets; the option decides instead of a guess from the data (a weak binary teacher's logits can all lie
    /// in [0, 1] too). Set explicitly to <see cref="TeacherOutputKind.Logits"/>, the output is read as logits, with a warning
    /// in the log when it looks like probabilities.
    /// </summary>
    public TeacherOutputKind? OutputKind { get; set; }

    /// <summary>Number of classes, needed only when the model declares its output size symbolically.</summary>
    public int? ClassCount { get; set; }

    /// <summary>Class names in output order (for the SlotNames annotation and the class-order check against the label).</summary>
    public string[]? ClassNames { get; set; }

    /// <summary>Threads ONNX Runtime may use inside one operator; null lets ONNX Runtime decide (all cores).</summary>
    public int? IntraOpNumThreads { get; set; }
}
