namespace MLNet.Distillation;

/// <summary>
/// How a text teacher's linear head is fitted on labelled rows
/// (<see cref="Teacher.FromTextEncoder(Microsoft.ML.MLContext, Microsoft.ML.IDataView, TextEncoder, TextEncoderTeacherOptions)"/>).
/// The task follows the label's type, as the distillation trainers read it: Boolean, binary (logistic regression);
/// a key, multiclass (softmax regression over the key's classes); Single, regression (least squares).
/// </summary>
public sealed class TextEncoderTeacherOptions
{
    /// <summary>The text column the teacher reads, when fitting and when scoring; default <c>Text</c>.</summary>
    public string TextColumnName { get; set; } = DefaultColumnNames.Text;

    /// <summary>The label column the head is fitted to; default <c>Label</c>. Rows without a label (a missing key, NaN) are skipped.</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>
    /// L2 weight λ of the head: it minimises the loss summed over the labelled rows plus λ/2 · ‖w‖² (the bias is not
    /// penalised), ML.NET's L-BFGS convention; default 1, ML.NET's own default. Smaller values fit the training rows more closely.
    /// </summary>
    public float L2Regularization { get; set; } = Defaults.TextHeadL2Regularization;
}
