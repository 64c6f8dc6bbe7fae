namespace MLNet.Distillation;

/// <summary>The prediction task a student is trained for; it decides the label type, the output columns and which loss terms apply.</summary>
public enum DistillationTask
{
    /// <summary>
    /// One of K classes: a key-typed label; the student writes <c>Score</c> (K probabilities) and a key-typed
    /// <c>PredictedLabel</c>.
    /// </summary>
    MulticlassClassification,

    /// <summary>
    /// Yes or no: a Boolean label; the student writes <c>Score</c> (the logit), <c>Probability</c> and a Boolean
    /// <c>PredictedLabel</c>.
    /// </summary>
    BinaryClassification,

    /// <summary>A number: a Single label; the student writes <c>Score</c>, in the label's units.</summary>
    Regression,
}
