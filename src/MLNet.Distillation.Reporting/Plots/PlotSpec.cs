using ScottPlot;

namespace MLNet.Distillation.Reporting.Plots;

/// <summary>
/// One chart of the report as planned from the data: either how to draw it, or why it is left out. The HTML describes
/// every chart with <see cref="Description"/>, drawn or not.
/// </summary>
internal sealed record PlotSpec(string Name, string Title, string Description, Action<Plot>? Draw, string? Reason, string? Note = null)
{
    public static PlotSpec Drawn(string name, string title, string description, Action<Plot> draw, string? note = null)
        => new(name, title, description, draw, null, note);

    public static PlotSpec Omitted(string name, string title, string description, string reason) => new(name, title, description, null, reason);

    /// <summary>Renders the chart as PNG and SVG at the report's size.</summary>
    public ReportPlot Render()
    {
        if (Draw is null)
            throw new InvalidOperationException($"The plot '{Name}' is left out: {Reason}");
        using var plot = new Plot();
        plot.Title(Title);
        Draw(plot);
        var png = plot.GetImageBytes(PlotStyle.Width, PlotStyle.Height, ImageFormat.Png);
        // Skia's SVG canvas has no dashes: it draws a dashed line solid and prints "Unsupported path effect in addPaint."
        // to the process's standard output for every segment, a screenful for a validation curve. Solid lines draw the same SVG without it.
        foreach (var line in plot.GetPlottables().OfType<IHasLine>())
            line.LineStyle.Pattern = LinePattern.Solid;
        return new ReportPlot(Name, Title, png, plot.GetSvgXml(PlotStyle.Width, PlotStyle.Height));
    }
}
