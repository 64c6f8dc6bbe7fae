namespace MLNet.Distillation;

/// <summary>
/// One model's predictions on the evaluation rows, in the task's terms: class probabilities and predicted classes for
/// classifiers, scores for binary and regression models.
/// </summary>
/// <param name="Probabilities">Multiclass: K per row, row-major. Binary: the positive class's probability per row, or null
/// for a model with no calibrated probability (its metrics are then ML.NET's non-calibrated ones). Regression: null.</param>
/// <param name="Scores">Binary: the raw score (logit) per row. Regression: the prediction. Multiclass: null.</param>
/// <param name="Predicted">Classifiers: the predicted class index per row (binary: 0 false, 1 true; −1 for no prediction). Regression: null.</param>
internal sealed record ModelOutputs(float[]? Probabilities, float[]? Scores, int[]? Predicted)
{
    /// <summary>Class probabilities of one row (binary: [1 − p, p] written into <paramref name="binary"/>); empty when the model has none.</summary>
    public ReadOnlySpan<float> Distribution(int row, EvaluationLabels labels, Span<float> binary)
    {
        if (Probabilities is null) return [];
        return labels.Task.Evaluation.Distribution(Probabilities, row, labels, binary);
    }
}
