using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Stops a Fit whose loss stopped being a number. Without this, a diverged run (a learning rate far too high, a
/// temperature of 1e20) returns a student with NaN scores and 0 % accuracy and no word. The sums are read once per epoch
/// (they stay on the device in between), so the run stops at the end of the first epoch in which a term went non-finite.
/// </summary>
internal static class Divergence
{
    /// <summary>
    /// A mean loss no sane run reaches: cross-entropy starts near ln K, standardised regression near 1, and the soft terms
    /// stay within a few hundred even at T = 20.
    /// </summary>
    public const double ExplodedLoss = 1e4;

    /// <summary>A warning when the last epoch's loss is finite but exploded (AdamW's bounded steps can keep huge weights finite), or null.</summary>
    public static string? Exploded(IReadOnlyList<EpochReport> history)
        => history.Count > 0 && history[^1].TotalLoss > ExplodedLoss
            ? string.Create(CultureInfo.InvariantCulture, $"The training loss ended at {history[^1].TotalLoss:G3} (epoch {history[^1].Epoch}), far beyond what a converging run reaches: ") +
                "the weights have blown up and the student's probabilities mean nothing, whatever its accuracy. Lower Options.LearningRate."
            : null;

    public static void ThrowIfNotFinite(int epoch, IReadOnlyList<string> termNames, IReadOnlyList<double> termSums, double? validationLoss)
    {
        var bad = termNames.Where((_, t) => !double.IsFinite(termSums[t])).ToArray();
        if (bad.Length == 0 && (validationLoss is null || double.IsFinite(validationLoss.Value)))
            return;
        string which = bad.Length > 0 ? $"loss term{(bad.Length > 1 ? "s" : "")} {string.Join(", ", bad.Select(b => $"'{b}'"))}"
            : "the validation loss";
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"Training diverged in epoch {epoch}: {which} became NaN or infinite, so the student's weights are no longer numbers. ") +
            "The usual causes: Options.LearningRate too high (the default is 0.001), Options.Temperature extreme, or inputs with huge values " +
            "(with MlpStudent.StandardizeInputs off). Lower the learning rate first.");
    }
}
