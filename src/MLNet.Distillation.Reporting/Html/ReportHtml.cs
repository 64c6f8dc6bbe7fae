using System.Globalization;
using System.Text;
using MLNet.Distillation.Reporting.Plots;

namespace MLNet.Distillation.Reporting.Html;

/// <summary>
/// Writes the report as one HTML file that needs nothing else: styles inline, every chart a PNG in a <c>data:</c> URI, no
/// script, no external reference. Every string a user gave (title, model and class names) is HTML-escaped.
/// </summary>
internal static class ReportHtml
{
    private const string Style = """
        body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222; background: #fff; margin: 24px auto; max-width: 1680px; padding: 0 16px; }
        h1 { font-size: 26px; margin-bottom: 4px; }
        h2 { font-size: 20px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        p.meta { color: #555; margin-top: 0; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
        th, td { border: 1px solid #ccc; padding: 4px 10px; }
        th { background: #f3f3f3; }
        td { text-align: right; font-variant-numeric: tabular-nums; }
        td:first-child, th:first-child { text-align: left; }
        .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; }
        figure { margin: 0; border: 1px solid #e3e3e3; padding: 8px; }
        figure img { width: 100%; height: auto; display: block; }
        figcaption { font-size: 13px; color: #444; margin-top: 6px; }
        .note { color: #8a5300; }
        """;

    public static string Render(DistillationReport report, IReadOnlyList<(PlotSpec Spec, ReportPlot? Plot)> plots)
    {
        var evaluation = report.Evaluation;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Escape(report.Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(Escape(report.Title)).Append("</h1>\n");
        html.Append("<p class=\"meta\">").Append(Escape(report.Task.Title)).Append(" on ")
            .Append(evaluation.Rows.ToString("N0", CultureInfo.InvariantCulture)).Append(" rows · primary metric ")
            .Append(Escape(evaluation.PrimaryMetric)).Append(" · generated ")
            .Append(report.Date.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append(" UTC</p>\n");

        Tables(html, evaluation, report.OtherModels);
        Plots(html, plots);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The evaluation's table (<see cref="EvaluationTable"/>, as the console and Markdown show it) as two HTML tables.</summary>
    private static void Tables(StringBuilder html, DistillationEvaluation evaluation, IReadOnlyList<ModelEvaluation> others)
    {
        var table = EvaluationTable.Of(evaluation, others);
        html.Append("<h2>Evaluation</h2>\n");
        Table(html, ["", .. table.Models], table.Figures.Select(r => (IReadOnlyList<string>)[r.Label, .. r.Cells]));
        html.Append("<h2>Student against teacher</h2>\n");
        Table(html, ["", .. table.ComparedModels], table.Comparisons.Select(r => (IReadOnlyList<string>)[r.Label, .. r.Cells]));
    }

    private static void Table(StringBuilder html, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        html.Append("<table>\n<thead><tr>");
        foreach (var cell in header)
            html.Append("<th>").Append(Escape(cell)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
                html.Append("<td>").Append(Escape(cell)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void Plots(StringBuilder html, IReadOnlyList<(PlotSpec Spec, ReportPlot? Plot)> plots)
    {
        var drawn = plots.Where(p => p.Plot is not null).ToList();
        if (drawn.Count > 0)
        {
            html.Append("<h2>Plots</h2>\n<div class=\"plots\">\n");
            foreach (var (spec, plot) in drawn)
            {
                html.Append("<figure id=\"plot-").Append(Escape(spec.Name)).Append("\">\n<img alt=\"").Append(Escape(plot!.Title))
                    .Append("\" width=\"").Append(PlotStyle.Width).Append("\" height=\"").Append(PlotStyle.Height)
                    .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(plot.Png)).Append("\">\n")
                    .Append("<figcaption><b>").Append(Escape(spec.Title)).Append(".</b> ").Append(Escape(spec.Description));
                if (spec.Note is not null)
                    html.Append(" <span class=\"note\">").Append(Escape(spec.Note)).Append("</span>");
                html.Append("</figcaption>\n</figure>\n");
            }
            html.Append("</div>\n");
        }
        var omitted = plots.Where(p => p.Plot is null).ToList();
        if (omitted.Count > 0)
        {
            html.Append("<h2>Left out</h2>\n<ul>\n");
            foreach (var (spec, _) in omitted)
                html.Append("<li id=\"omitted-").Append(Escape(spec.Name)).Append("\"><b>").Append(Escape(spec.Title)).Append("</b>: ")
                    .Append(Escape(spec.Reason!)).Append("</li>\n");
            html.Append("</ul>\n");
        }
    }

    /// <summary>
    /// HTML-escapes text for element content and quoted attributes: the five markup characters only, so that other text
    /// (×, –, µ, any script) stays readable in the source; the page is UTF-8.
    /// </summary>
    internal static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);
}
