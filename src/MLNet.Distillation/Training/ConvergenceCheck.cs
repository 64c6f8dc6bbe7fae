using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Says when a Fit probably stopped too early. A student stopped short of convergence can look worse than it is, and a
/// distilled one suffers more (its soft-target term pulls the true class more gently), so the comparison with the
/// student from labels alone becomes unfair without anyone noticing.
/// </summary>
internal static class ConvergenceCheck
{
    /// <summary>A warning when the validation loss was still improving at the last epoch, or null (also without validation data).</summary>
    public static string? Undertrained(IReadOnlyList<EpochReport> history, int plannedEpochs)
    {
        if (history.Count < plannedEpochs || history.Count < 2)
            return null; // early stopping ended it: it had stopped improving
        var last = history[^1];
        // Without validation data nothing tells undertraining from overfitting: a falling training loss is both.
        if (last.ValidationLoss is not double finalLoss)
            return null;
        double previousBest = history.Take(history.Count - 1).Min(r => r.ValidationLoss!.Value);
        return finalLoss < previousBest
            ? string.Create(CultureInfo.InvariantCulture, $"The validation loss was still falling at the last epoch ({last.Epoch}: {finalLoss:0.0000}, best before {previousBest:0.0000}): ") +
                "the student may be undertrained. Train longer (NumberOfEpochs) or with a higher LearningRate."
            : null;
    }
}
