namespace MLNet.Distillation;

/// <summary>What one training epoch did: each loss term's mean, the weighted total, and validation figures when there is a validation set.</summary>
/// <param name="Epoch">One-based epoch number.</param>
/// <param name="LossTerms">Mean value of each loss term over the epoch's batches, by registry name (unweighted).</param>
/// <param name="TotalLoss">Mean weighted total loss.</param>
/// <param name="TrainingAccuracy">Share of training rows (with labels) the student predicted right during the epoch.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation set, or null without one.</param>
/// <param name="ValidationLoss">Mean cross-entropy on the validation set, or null without one.</param>
/// <param name="Elapsed">Wall time of the epoch.</param>
public sealed record EpochReport(
    int Epoch,
    IReadOnlyDictionary<string, double> LossTerms,
    double TotalLoss,
    double? TrainingAccuracy,
    double? ValidationAccuracy,
    double? ValidationLoss,
    TimeSpan Elapsed)
{
    /// <summary>A one-line summary for logs.</summary>
    public override string ToString()
        => $"epoch {Epoch}: loss {TotalLoss:0.0000} ({string.Join(", ", LossTerms.Select(t => $"{t.Key} {t.Value:0.0000}"))})" +
           (TrainingAccuracy is double a ? $", train acc {a:P2}" : "") +
           (ValidationAccuracy is double v ? $", valid acc {v:P2}, valid CE {ValidationLoss:0.0000}" : "") +
           $", {Elapsed.TotalSeconds:0.00}s";
}
