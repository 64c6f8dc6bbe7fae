namespace MLNet.Distillation;

/// <summary>The column names MLNet.Distillation reads and writes unless told otherwise (ML.NET's own names where they exist).</summary>
public static class DefaultColumnNames
{
    /// <summary>The feature vector the student (and by default the teacher) reads: <c>Features</c>.</summary>
    public const string Features = "Features";

    /// <summary>The key-typed label column: <c>Label</c>.</summary>
    public const string Label = "Label";

    /// <summary>The teacher's logits, appended by <c>TeacherScore</c>: <c>TeacherLogits</c>.</summary>
    public const string TeacherLogits = "TeacherLogits";

    /// <summary>The class probabilities the student writes: <c>Score</c>.</summary>
    public const string Score = "Score";

    /// <summary>The key-typed predicted class the student writes: <c>PredictedLabel</c>.</summary>
    public const string PredictedLabel = "PredictedLabel";
}
