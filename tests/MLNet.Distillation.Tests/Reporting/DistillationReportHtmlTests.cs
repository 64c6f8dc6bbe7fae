using System.Globalization;
using System.Text.RegularExpressions;
using MLNet.Distillation.Reporting;

namespace MLNet.Distillation.Tests.Reporting;

public sealed partial class DistillationReportHtmlTests
{
    [GeneratedRegex("<img [^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedPng();

    [Fact]
    public void The_html_is_self_contained_with_every_plot_embedded()
    {
        var evaluation = ReportSamples.Multiclass();
        var report = new DistillationReport(evaluation) { History = ReportSamples.BinaryHistory, OtherModels = [ReportSamples.Other(evaluation, "scratch")] };
        string html = report.ToHtml();

        Assert.StartsWith("<!DOCTYPE html>", html);
        foreach (var external in new[] { "http:", "https:", "src=\"file", "file:", "<link", "<script", "@import", "url(" })
            Assert.DoesNotContain(external, html, StringComparison.OrdinalIgnoreCase);
        var images = EmbeddedPng().Matches(html).Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToList();
        Assert.Equal(6, images.Count);
        Assert.Equal(images.Count, Regex.Matches(html, "<img ").Count); // no image from anywhere else
        Assert.All(images, png => Assert.True(ImageStatistics.Of(png).DistinctColours >= 20));
        Assert.DoesNotContain("Left out", html);
    }

    [Fact]
    public void The_tables_carry_the_evaluation_figures_the_ratios_and_the_other_models()
    {
        var evaluation = ReportSamples.Multiclass();
        var other = ReportSamples.Other(evaluation, "scratch");
        var html = new DistillationReport(evaluation) { OtherModels = [other], Date = new DateTimeOffset(2024, 5, 6, 7, 8, 0, TimeSpan.Zero) }.ToHtml();

        Assert.Contains("generated 2024-05-06 07:08 UTC", html);
        Assert.Contains("Multiclass classification on 54 rows", html);
        Assert.Contains("<th></th><th>teacher</th><th>student</th><th>scratch</th>", html);
        // Values computed here from the records, in the evaluation's formats (0.0000, N0, 0.00×, P2).
        string F4(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        string Ratio(double v) => v.ToString("0.00", CultureInfo.InvariantCulture) + "×";
        Assert.Contains($"<tr><td>MicroAccuracy</td><td>{F4(0.963)}</td><td>{F4(0.944)}</td><td>{F4(0.944 * 0.97)}</td></tr>", html);
        Assert.Contains("<tr><td>Bytes</td><td>2,400,000</td><td>9,800</td><td>19,600</td></tr>", html);
        Assert.Contains($"<tr><td>ECE</td><td>{F4(0.031)}</td><td>{F4(0.048)}</td><td>{F4(0.048)}</td></tr>", html);
        Assert.Contains($"<tr><td>Compression (bytes)</td><td>{Ratio(2_400_000 / 9_800.0)}</td><td>{Ratio(2_400_000 / 19_600.0)}</td></tr>", html);
        Assert.Contains($"<tr><td>Speed-up (p50)</td><td>{Ratio(310 / 21.0)}</td><td>{Ratio(310 / (21 * 1.5))}</td></tr>", html);
        Assert.Contains($"<tr><td>Agreement with teacher</td><td>{0.962.ToString("P2", CultureInfo.InvariantCulture)}</td><td>–</td></tr>", html); // the distilled student's only
        Assert.Contains($"<tr><td>MicroAccuracy kept</td><td>{(0.944 / 0.963).ToString("P1", CultureInfo.InvariantCulture)}</td>", html);
    }

    [Fact]
    public void What_is_left_out_is_listed_with_its_reason()
    {
        var html = new DistillationReport(ReportSamples.Regression(speed: false)).ToHtml();
        Assert.Contains("<h2>Left out</h2>", html);
        foreach (var name in new[] { "loss", "accuracy", "reliability", "per-class-accuracy", "quality-vs-latency" })
            Assert.Matches($"<li id=\"omitted-{name}\"><b>[^<]+</b>: [^<]+</li>", html);
        Assert.Contains("Speed was not measured", html);
        Assert.Single(EmbeddedPng().Matches(html)); // size only
    }

    [Fact]
    public void User_strings_are_escaped_everywhere()
    {
        var evaluation = ReportSamples.Multiclass(classes: ["<script>alert(1)</script>", "a & b", "c"], teacherName: "<img src=x onerror=alert(2)>", studentName: "st\"udent");
        var html = new DistillationReport(evaluation)
        {
            Title = "<script>alert('title')</script> & co",
            OtherModels = [ReportSamples.Other(evaluation, "</table><b>bold</b>")],
        }.ToHtml();
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("</table><b>", html);
        Assert.Contains("<title>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; co</title>", html);
        Assert.Contains("<th>&lt;img src=x onerror=alert(2)&gt;</th><th>st&quot;udent</th><th>&lt;/table&gt;&lt;b&gt;bold&lt;/b&gt;</th>", html);
    }

    [Fact]
    public void SaveHtml_replaces_a_file_whole_and_leaves_nothing_when_it_cannot_write()
    {
        var folder = Directory.CreateTempSubdirectory("report-html-").FullName;
        try
        {
            var report = new DistillationReport(ReportSamples.Binary(speed: false));
            var path = Path.Combine(folder, "report.html");
            File.WriteAllText(path, "earlier report");
            report.SaveHtml(path);
            Assert.Equal(report.ToHtml().Length, File.ReadAllText(path).Length);
            Assert.EndsWith("</html>\n", File.ReadAllText(path));

            // A folder where the file should go: the write fails after the content went to a temporary, which is removed;
            // the folder and the earlier file beside it are untouched.
            var blocked = Path.Combine(folder, "blocked.html");
            Directory.CreateDirectory(blocked);
            File.WriteAllText(Path.Combine(blocked, "inside.txt"), "keep");
            var error = Assert.Throws<IOException>(() => report.SaveHtml(blocked));
            Assert.Contains("blocked.html", error.Message);
            Assert.Equal("keep", File.ReadAllText(Path.Combine(blocked, "inside.txt")));
            Assert.Equal([path], Directory.GetFiles(folder)); // no temporary left behind
            Assert.Throws<DirectoryNotFoundException>(() => report.SaveHtml(Path.Combine(folder, "missing", "report.html")));
        }
        finally { Directory.Delete(folder, true); }
    }
}
