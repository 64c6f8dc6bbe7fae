using ScottPlot;

namespace MLNet.Distillation.Reporting.Plots;

/// <summary>
/// The decision charts: the primary metric of every model (teacher, student, other models) against its single-row latency
/// and against its serialized size, as labelled points. The x axis is logarithmic when the models span a factor of ten or more.
/// </summary>
internal static class TradeOffPlots
{
    public const string LatencyName = "quality-vs-latency", LatencyTitle = "Quality against single-row latency";
    public const string SizeName = "quality-vs-size", SizeTitle = "Quality against model size";

    private const string LatencyDescription =
        "Each model's primary metric against its median single-row latency (what a PredictionEngine call costs): " +
        "the best trade-offs are towards the top left (bottom left for an error metric).";

    private const string SizeDescription =
        "Each model's primary metric against the bytes of its saved model: how much quality each byte buys.";

    public static PlotSpec Latency(DistillationEvaluation evaluation, IReadOnlyList<ModelEvaluation> others)
    {
        var models = Models(evaluation, others);
        var timed = models.Where(m => m.Model.Latency is { P50Microseconds: > 0 } && Finite(evaluation, m.Model)).ToList();
        if (timed.Count == 0)
            return PlotSpec.Omitted(LatencyName, LatencyTitle, LatencyDescription, "Speed was not measured (no model has a latency and a finite primary metric).");
        var untimed = models.Where(m => m.Model.Latency is not { P50Microseconds: > 0 }).Select(m => m.Model.Name + " (speed not measured)").ToList();
        untimed.AddRange(models.Where(m => !Finite(evaluation, m.Model))
            .Select(m => m.Model.Name + $" ({evaluation.PrimaryMetric} is not a number)"));
        return PlotSpec.Drawn(LatencyName, LatencyTitle, LatencyDescription,
            plot => Draw(plot, evaluation, timed.Select(m => (m.Model, m.Color, m.Model.Latency!.P50Microseconds)).ToList(), "Single-row latency p50 (µs)", PlotStyle.Number),
            untimed.Count > 0 ? $"Not on this chart: {string.Join(", ", untimed)}." : null);
    }

    public static PlotSpec Size(DistillationEvaluation evaluation, IReadOnlyList<ModelEvaluation> others)
    {
        var models = Models(evaluation, others);
        var sized = models.Where(m => m.Model.SerializedBytes > 0 && Finite(evaluation, m.Model)).ToList();
        if (sized.Count == 0)
            return PlotSpec.Omitted(SizeName, SizeTitle, SizeDescription, "No model has a serialized size and a finite primary metric.");
        var unsized = models.Where(m => m.Model.SerializedBytes <= 0).Select(m => m.Model.Name + " (size unknown)").ToList();
        unsized.AddRange(models.Where(m => !Finite(evaluation, m.Model))
            .Select(m => m.Model.Name + $" ({evaluation.PrimaryMetric} is not a number)"));
        return PlotSpec.Drawn(SizeName, SizeTitle, SizeDescription,
            plot => Draw(plot, evaluation, sized.Select(m => (m.Model, m.Color, (double)m.Model.SerializedBytes)).ToList(), "Serialized size",
                PlotStyle.Bytes),
            unsized.Count > 0 ? $"Not on this chart: {string.Join(", ", unsized)}." : null);
    }

    private static bool Finite(DistillationEvaluation evaluation, ModelEvaluation model) => double.IsFinite(model.Metric(evaluation.PrimaryMetric));

    private static List<(ModelEvaluation Model, Color Color)> Models(DistillationEvaluation evaluation, IReadOnlyList<ModelEvaluation> others)
        => new[] { evaluation.Teacher, evaluation.Student }.Concat(others).Select((m, i) => (m, PlotStyle.Model(i))).ToList();

    private static void Draw(Plot plot, DistillationEvaluation evaluation, List<(ModelEvaluation Model, Color Color, double X)> points, string xLabel,
        Func<double, string> format)
    {
        double min = points.Min(p => p.X), max = points.Max(p => p.X);
        bool log = max / min >= 10;
        double X(double x) => log ? Math.Log10(x) : x;
        double Y(ModelEvaluation model) => model.Metric(evaluation.PrimaryMetric);
        foreach (var (model, color, x) in points)
        {
            var point = plot.Add.ScatterPoints(new[] { X(x) }, new[] { Y(model) }, color);
            point.MarkerSize = 12;
            var label = plot.Add.Text(model.Name, X(x), Y(model));
            label.LabelFontSize = 13;
            label.LabelFontColor = color;
            label.LabelBold = true;
            label.LabelAlignment = Alignment.LowerLeft;
            label.OffsetX = 8;
            label.OffsetY = -6;
        }
        // Room around the points, most of it on the right and top where the labels go (no legend: every point is labelled).
        var (left, right) = Padded(points.Min(p => X(p.X)), points.Max(p => X(p.X)), 0.12, 0.45);
        var (bottom, top) = Padded(points.Min(p => Y(p.Model)), points.Max(p => Y(p.Model)), 0.15, 0.25);
        plot.Axes.SetLimits(left, right, bottom, top);
        if (log)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => format(Math.Pow(10, v)),
            };
            plot.Axes.Bottom.Label.Text = xLabel + ", log scale";
        }
        else
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = format };
            plot.Axes.Bottom.Label.Text = xLabel;
        }
        bool higherIsBetter = evaluation.Teacher.Metrics.First(m => m.Name == evaluation.PrimaryMetric).HigherIsBetter;
        plot.YLabel(evaluation.PrimaryMetric + (higherIsBetter ? "" : " (lower is better)"));
    }

    /// <summary>
    /// An axis range around [min, max] with the given shares of its span added below and above (a single value gets a
    /// span of its own).
    /// </summary>
    private static (double Low, double High) Padded(double min, double max, double below, double above)
    {
        double span = max - min;
        if (span <= 0)
            span = Math.Abs(min) > 0 ? Math.Abs(min) * 0.2 : 1;
        return (min - span * below, max + span * above);
    }
}
