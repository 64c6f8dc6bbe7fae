using System.Xml.Linq;
using MLNet.Distillation.Reporting;

namespace MLNet.Distillation.Tests.Reporting;

public sealed class DistillationReportPlotTests
{
    private static void AssertDrawn(ReportPlot plot)
    {
        var image = ImageStatistics.Of(plot.Png);
        Assert.Equal((800, 480), (image.Width, image.Height));
        // Axes, text and at least one coloured series: far from blank, far from noise.
        Assert.True(image.DistinctColours >= 20, $"{plot.Name}: {image.DistinctColours} colours");
        Assert.InRange(image.NonWhiteShare, 0.02, 0.6);
        var svg = XDocument.Parse(plot.Svg); // throws when the SVG is not well-formed XML
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.True(svg.Descendants().Count() > 20, $"{plot.Name}: SVG of {svg.Descendants().Count()} elements");
        Assert.Contains(plot.Title, plot.Svg);
    }

    [Fact]
    public void A_multiclass_report_with_history_and_speed_draws_all_six_plots()
    {
        var evaluation = ReportSamples.Multiclass();
        var report = new DistillationReport(evaluation)
        {
            History = ReportSamples.BinaryHistory,
            OtherModels = [ReportSamples.Other(evaluation, "student (labels only)")],
        };
        var plots = report.CreatePlots();
        Assert.Equal(["loss", "accuracy", "reliability", "per-class-accuracy", "quality-vs-latency", "quality-vs-size"], plots.Select(p => p.Name));
        Assert.Empty(report.OmittedPlots());
        Assert.All(plots, AssertDrawn);
        Assert.All(["bce", "soft-bce", "total (weighted)", "validation cross-entropy"], term => Assert.Contains(term, plots[0].Svg));
        Assert.Contains("validation", plots[1].Svg);
        Assert.All(["class_1", "class_2", "class_3"], c => Assert.Contains(c, plots[3].Svg));
        Assert.All(plots.Skip(4), p => Assert.Contains("student (labels only)", p.Svg));
        Assert.Contains("ECE 0.031", plots[2].Svg);
        // The sizes span 9.8 kB to 2.4 MB: a logarithmic axis.
        Assert.Contains("log scale", plots[5].Svg);
    }

    [Fact]
    public void A_binary_report_has_the_classifier_plots_and_their_class_names()
    {
        var plots = new DistillationReport(ReportSamples.Binary()) { History = ReportSamples.BinaryHistory }.CreatePlots();
        Assert.Equal(6, plots.Count);
        Assert.Contains("True", plots.Single(p => p.Name == "per-class-accuracy").Svg);
        Assert.All(plots, AssertDrawn);
    }

    [Fact]
    public void Regression_gets_the_plots_that_apply_and_says_why_the_others_are_left_out()
    {
        var report = new DistillationReport(ReportSamples.Regression()) { History = ReportSamples.RegressionHistory };
        var plots = report.CreatePlots();
        Assert.Equal(["loss", "quality-vs-latency", "quality-vs-size"], plots.Select(p => p.Name));
        Assert.All(plots, AssertDrawn);
        Assert.Contains("RootMeanSquaredError (lower is better)", plots[1].Svg);
        var omitted = report.OmittedPlots().ToDictionary(o => o.Name, o => o.Reason);
        Assert.Equal(["accuracy", "reliability", "per-class-accuracy"], omitted.Keys);
        Assert.All(omitted.Values, reason => Assert.Contains("Regression", reason));
    }

    [Fact]
    public void Regression_predictions_add_the_predicted_against_actual_and_residual_charts()
    {
        var actual = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();
        var report = new DistillationReport(ReportSamples.Regression())
        {
            History = ReportSamples.RegressionHistory,
            Predictions = [new("teacher", actual, actual.Select(a => a + 0.5f).ToArray()), new("student", actual, actual.Select(a => a * 1.1f - 1).ToArray())],
        };
        var plots = report.CreatePlots();
        Assert.Equal(["loss", "predicted-vs-actual", "residuals", "quality-vs-latency", "quality-vs-size"], plots.Select(p => p.Name));
        Assert.All(plots, AssertDrawn);
        Assert.All(["teacher", "student", "predicted = actual"], label => Assert.Contains(label, plots[1].Svg));
        Assert.Contains("Residual (actual − predicted)", plots[2].Svg);

        // Predictions are regression's, and each needs its row's true value.
        Assert.Throws<ArgumentException>(() => new DistillationReport(ReportSamples.Binary()) { Predictions = [new("student", actual, actual)] });
        Assert.Throws<ArgumentException>(() => new DistillationReport(ReportSamples.Regression()) { Predictions = [new("student", actual, actual[1..])] });
    }

    [Fact]
    public void Without_history_or_speed_those_plots_are_left_out_not_drawn_empty()
    {
        var report = new DistillationReport(ReportSamples.Multiclass(speed: false));
        Assert.Equal(["reliability", "per-class-accuracy", "quality-vs-size"], report.CreatePlots().Select(p => p.Name));
        var omitted = report.OmittedPlots().ToDictionary(o => o.Name, o => o.Reason);
        Assert.Equal(["loss", "accuracy", "quality-vs-latency"], omitted.Keys);
        Assert.Contains("No training history", omitted["loss"]);
        Assert.Contains("not measured", omitted["quality-vs-latency"]);

        var empty = new DistillationReport(ReportSamples.Multiclass()) { History = [] };
        Assert.Contains("empty", empty.OmittedPlots().Single(o => o.Name == "loss").Reason);
    }

    [Fact]
    public void A_model_without_speed_or_with_a_nan_metric_is_left_off_the_chart_and_named_in_its_note()
    {
        var evaluation = ReportSamples.Multiclass();
        var untimed = ReportSamples.Other(evaluation, "untimed") with { Latency = null };
        var broken = ReportSamples.Other(evaluation, "diverged") with { Metrics = [.. evaluation.Student.Metrics.Select(m => m with { Value = double.NaN })] };
        var report = new DistillationReport(evaluation) { OtherModels = [untimed, broken] };
        var latency = report.Plan().Single(p => p.Name == "quality-vs-latency");
        Assert.Equal("Not on this chart: untimed (speed not measured), diverged (MicroAccuracy is not a number).", latency.Note);
        var plot = latency.Render();
        AssertDrawn(plot);
        Assert.DoesNotContain("untimed", plot.Svg);
        Assert.Contains("not a number", report.ToHtml());
    }

    [Fact]
    public void Svg_stays_well_formed_with_markup_in_class_and_model_names()
    {
        var evaluation = ReportSamples.Multiclass(classes: ["<script>alert(1)</script>", "a & b", "\"quoted\""], studentName: "student <b>");
        foreach (var plot in new DistillationReport(evaluation).CreatePlots())
            XDocument.Parse(plot.Svg);
    }

    [Fact]
    public void SavePlots_writes_a_png_and_an_svg_per_plot()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"report-plots-{Guid.NewGuid():N}", "nested");
        try
        {
            var report = new DistillationReport(ReportSamples.Regression(speed: false));
            var paths = report.SavePlots(folder);
            Assert.Equal([Path.Combine(folder, "quality-vs-size.png"), Path.Combine(folder, "quality-vs-size.svg")], paths);
            Assert.Equal(paths.Order(), Directory.GetFiles(folder).Order()); // no temporary left behind
            AssertDrawn(new ReportPlot("quality-vs-size", "Quality against model size", File.ReadAllBytes(paths[0]), File.ReadAllText(paths[1])));
        }
        finally { Directory.Delete(Path.GetDirectoryName(folder)!, true); }
    }

    [Fact]
    public void Other_models_of_another_task_are_refused_naming_the_model_and_metric()
    {
        var multiclass = ReportSamples.Multiclass();
        var regression = ReportSamples.Regression().Student with { Name = "wrong task" };
        var error = Assert.Throws<ArgumentException>(() => new DistillationReport(multiclass) { OtherModels = [regression] });
        Assert.Contains("'wrong task'", error.Message);
        Assert.Contains("MicroAccuracy", error.Message);
        Assert.Equal("OtherModels", error.ParamName);
        Assert.Throws<ArgumentException>(() => new DistillationReport(multiclass) { Title = " " });
    }
}
