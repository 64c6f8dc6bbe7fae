using ScottPlot;

namespace MLNet.Distillation.Reporting.Plots;

/// <summary>
/// The charts only regression has, drawn from each model's predictions on the evaluation rows: predicted against actual
/// (a perfect model lies on the diagonal) and the residuals against the prediction (a good model's scatter is an even
/// band around 0; a funnel or a curve is error the metrics average away).
/// </summary>
internal static class RegressionPlots
{
    public const string PredictedName = "predicted-vs-actual", PredictedTitle = "Predicted against actual";
    public const string ResidualName = "residuals", ResidualTitle = "Residuals";

    private const string PredictedDescription =
        "Each evaluation row's prediction against its true value, one colour per model: a perfect model lies on the dashed diagonal; " +
        "points beyond the range of the true values are extrapolations.";

    private const string ResidualDescription =
        "Each evaluation row's residual (actual − predicted) against the prediction, one colour per model: an even band around 0 is noise; " +
        "a slope, a curve or a funnel is error that depends on the prediction.";

    public static PlotSpec PredictedAgainstActual(DistillationEvaluation evaluation, IReadOnlyList<PredictedValues> predictions,
        IReadOnlyList<ModelEvaluation> others)
        => PlotSpec.Drawn(PredictedName, PredictedTitle, PredictedDescription, plot =>
        {
            var models = Coloured(evaluation, predictions, others);
            var finite = models.SelectMany(m => m.Values.Actual.Concat(m.Values.Predicted)).Where(float.IsFinite).ToArray();
            double low = finite.Length > 0 ? finite.Min() : 0, high = finite.Length > 0 ? finite.Max() : 1;
            var diagonal = plot.Add.Line(low, low, high, high);
            diagonal.Color = PlotStyle.Neutral;
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.LegendText = "predicted = actual";
            foreach (var (values, color) in models)
                Points(plot, values.Actual, values.Predicted, values.ModelName, color);
            plot.XLabel("Actual");
            plot.YLabel("Predicted");
            plot.ShowLegend(Alignment.UpperLeft);
        });

    public static PlotSpec Residuals(DistillationEvaluation evaluation, IReadOnlyList<PredictedValues> predictions,
        IReadOnlyList<ModelEvaluation> others)
        => PlotSpec.Drawn(ResidualName, ResidualTitle, ResidualDescription, plot =>
        {
            var zero = plot.Add.HorizontalLine(0);
            zero.Color = PlotStyle.Neutral;
            zero.LinePattern = LinePattern.Dashed;
            foreach (var (values, color) in Coloured(evaluation, predictions, others))
                Points(plot, values.Predicted, values.Actual.Zip(values.Predicted, (a, p) => a - p).ToArray(), values.ModelName, color);
            plot.XLabel("Predicted");
            plot.YLabel("Residual (actual − predicted)");
            plot.ShowLegend(Alignment.UpperRight);
        });

    /// <summary>Each model's predictions with its colour on every chart: teacher, student, then the other models in order.</summary>
    private static List<(PredictedValues Values, Color Color)> Coloured(DistillationEvaluation evaluation, IReadOnlyList<PredictedValues> predictions,
        IReadOnlyList<ModelEvaluation> others)
    {
        var order = new[] { evaluation.Teacher.Name, evaluation.Student.Name }.Concat(others.Select(o => o.Name)).ToList();
        return predictions
            .Select(p => (p, PlotStyle.Model(order.IndexOf(p.ModelName) is int i and >= 0 ? i : order.Count + predictions.ToList().IndexOf(p))))
            .ToList();
    }

    private static void Points(Plot plot, IReadOnlyList<float> xs, IReadOnlyList<float> ys, string label, Color color)
    {
        // A non-finite prediction is left off rather than breaking the axes.
        var points = xs.Zip(ys).Where(p => float.IsFinite(p.First) && float.IsFinite(p.Second)).ToArray();
        var scatter = plot.Add.ScatterPoints(points.Select(p => (double)p.First).ToArray(), points.Select(p => (double)p.Second).ToArray(),
            color.WithAlpha(0.6));
        scatter.MarkerSize = 5;
        scatter.LegendText = label;
    }
}
