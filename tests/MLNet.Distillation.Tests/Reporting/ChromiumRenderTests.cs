using System.Diagnostics;
using System.Text.RegularExpressions;
using MLNet.Distillation.Reporting;
using SkiaSharp;
using Xunit.Abstractions;

namespace MLNet.Distillation.Tests.Reporting;

/// <summary>
/// The saved HTML report rendered by a real browser (Debian's <c>chromium</c>, headless; .ci/run installs it). Without
/// chromium the test is skipped, except on CI (<c>CI=true</c>) where that is a failure. Set <c>REPORT_SCREENSHOT</c> to a
/// path to keep the screenshot.
/// </summary>
public sealed class ChromiumRenderTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void The_saved_report_renders_in_headless_chromium_with_its_plots()
    {
        var chromium = new[] { "chromium", "chromium-browser", "google-chrome" }.Select(Which).FirstOrDefault(p => p is not null);
        if (chromium is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have chromium to render the HTML report (.ci/run installs it).");
            SkipTest.Because("chromium is not installed: the HTML report was not rendered in a browser (apt-get install chromium to run this test).");
        }

        var folder = Directory.CreateTempSubdirectory("report-chromium-").FullName;
        try
        {
            var evaluation = ReportSamples.Multiclass(classes: ["class_1", "class_2", "class_3"]);
            var report = new DistillationReport(evaluation)
            {
                Title = "Example report (illustrative figures, real training history)",
                History = ReportSamples.BinaryHistory,
                OtherModels = [ReportSamples.Other(evaluation, "student (labels only)")],
            };
            var full = Path.Combine(folder, "report.html");
            report.SaveHtml(full);
            // The same page with every image's data removed: what the browser shows if the plots do not render.
            var bare = Path.Combine(folder, "bare.html");
            File.WriteAllText(bare, Regex.Replace(File.ReadAllText(full), "src=\"data:image/png;base64,[^\"]+\"", "src=\"\""));

            using var page = Screenshot(chromium!, full, folder);
            using var without = Screenshot(chromium!, bare, folder);
            var stats = ImageStatistics.Of(page);
            var bareStats = ImageStatistics.Of(without);
            output.WriteLine($"with plots: {stats}; without: {bareStats}");
            Assert.Equal((1200, 3000), (stats.Width, stats.Height));
            Assert.True(stats.NonWhiteShare > 0.05, $"only {stats.NonWhiteShare:P1} of the page is not white");
            Assert.True(stats.DistinctColours > 200, $"{stats.DistinctColours} colours");
            Assert.True(stats.NonWhiteShare > bareStats.NonWhiteShare + 0.03, $"with plots {stats.NonWhiteShare:P1} non-white, without {bareStats.NonWhiteShare:P1}");
            // The teacher's blue and the student's orange appear only in the plots: thousands of pixels with them, none without.
            foreach (var colour in new[] { SKColor.Parse("#1f77b4"), SKColor.Parse("#ff7f0e") })
            {
                long with = ImageStatistics.CountNear(page, colour), none = ImageStatistics.CountNear(without, colour);
                output.WriteLine($"{colour}: {with} pixels with the plots, {none} without");
                Assert.True(with > 5000 && none < 100, $"{colour}: {with} pixels with the plots, {none} without");
            }
            if (Environment.GetEnvironmentVariable("REPORT_SCREENSHOT") is { Length: > 0 } keep)
                SaveScreenshot(page, keep);
        }
        finally { Directory.Delete(folder, true); }
    }

    private static SKBitmap Screenshot(string chromium, string html, string folder)
    {
        var png = Path.Combine(folder, Path.GetFileNameWithoutExtension(html) + ".png");
        var profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        try
        {
            var info = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                    $"--user-data-dir={profile}", $"--screenshot={png}", "--window-size=1200,3000", new Uri(html).AbsoluteUri,
                },
            };
            using var process = Process.Start(info)!;
            var output = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish within 120 s rendering {html}");
            }
            Assert.True(File.Exists(png), $"chromium wrote no screenshot (exit {process.ExitCode}): {output.Result}");
            return ImageStatistics.Decode(File.ReadAllBytes(png));
        }
        finally { Directory.Delete(profile, true); }
    }

    /// <summary>Keeps the top of the page (tables and the six plots), halved, as a small PNG for the documentation.</summary>
    private static void SaveScreenshot(SKBitmap page, string path)
    {
        const int height = 2260;
        using var top = new SKBitmap(page.Width, height);
        page.ExtractSubset(top, new SKRectI(0, 0, page.Width, height));
        using var small = top.Resize(new SKImageInfo(page.Width / 2, height / 2), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var data = small.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static string? Which(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
