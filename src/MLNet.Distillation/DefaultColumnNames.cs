namespace MLNet.Distillation;

/// <summary>The column names MLNet.Distillation reads and writes unless told otherwise (ML.NET's own names where they exist).</summary>
public static class DefaultColumnNames
{
    /// <summary>The feature vector the student (and by default the teacher) reads: <c>Features</c>.</summary>
    public const string Features = "Features";

    /// <summary>The text column text teachers read and text augmentation rewrites: <c>Text</c>.</summary>
    public const string Text = "Text";

    /// <summary>The label column: <c>Label</c>.</summary>
    public const string Label = "Label";


    /// <summary>The teacher's outputs, appended by <c>TeacherScore</c>: <c>TeacherLogits</c> (for a regression teacher, its predictions).</summary>
    public const string TeacherLogits = "TeacherLogits";

    /// <summary>
    /// What the student writes as its score: <c>Score</c> (multiclass: the class probabilities; binary: the logit;
    /// regression: the prediction).
    /// </summary>
    public const string Score = "Score";

    /// <summary>The probability of the positive class a binary student writes: <c>Probability</c>.</summary>
    public const string Probability = "Probability";

    /// <summary>The predicted class the student writes: <c>PredictedLabel</c> (multiclass: the label's key type; binary: Boolean).</summary>
    public const string PredictedLabel = "PredictedLabel";
}
