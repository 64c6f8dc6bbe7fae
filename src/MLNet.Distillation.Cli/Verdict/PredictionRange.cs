using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Regression predictions beyond the range the label took in the training rows (a negative price, a strength above any
/// seen): a network extrapolates linearly where a tree model would stay within the values it was trained on, so such a
/// prediction is a guess the user should know about.
/// </summary>
/// <param name="Minimum">The smallest label of the training rows.</param>
/// <param name="Maximum">The largest label of the training rows.</param>
internal sealed record PredictionRange(float Minimum, float Maximum)
{
    /// <summary>The label's range over the featurised rows' <c>Label</c> (missing labels skipped).</summary>
    public static PredictionRange Of(IDataView featurised)
    {
        var labels = featurised.GetColumn<float>(Featurization.LabelColumn).Where(float.IsFinite).ToArray();
        return new PredictionRange(labels.Min(), labels.Max());
    }

    /// <summary>The predictions outside the range: how many, and the lowest and highest of them.</summary>
    public (int Count, float Lowest, float Highest) Outside(IReadOnlyList<float> predictions)
    {
        var outside = predictions.Where(p => p < Minimum || p > Maximum).ToArray();
        return (outside.Length, outside.Length == 0 ? float.NaN : outside.Min(), outside.Length == 0 ? float.NaN : outside.Max());
    }

    /// <summary>The note the console prints and metrics.json keeps, or null when every prediction is within the range.</summary>
    public string? Note(string model, IReadOnlyList<float> predictions)
    {
        var (count, lowest, highest) = Outside(predictions);
        if (count == 0)
            return null;
        string Number(float v) => v.ToString("G4", CultureInfo.InvariantCulture);
        var beyond = new List<string>();
        if (lowest < Minimum) beyond.Add($"lowest {Number(lowest)}");
        if (highest > Maximum) beyond.Add($"highest {Number(highest)}");
        return $"the {model} predicts outside the label's training range [{Number(Minimum)}, {Number(Maximum)}] on {count:N0} of {predictions.Count:N0} test rows " +
            $"({string.Join(", ", beyond)}): those predictions extrapolate beyond any value it learnt from.";
    }
}
