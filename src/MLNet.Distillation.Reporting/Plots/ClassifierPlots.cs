using System.Globalization;
using MLNet.Distillation.Reporting.Tasks;
using ScottPlot;

namespace MLNet.Distillation.Reporting.Plots;

/// <summary>The charts only classifiers have: the reliability diagram and accuracy per class, teacher against student.</summary>
internal static class ClassifierPlots
{
    public const string ReliabilityName = "reliability", ReliabilityTitle = "Reliability diagram";
    public const string PerClassName = "per-class-accuracy", PerClassTitle = "Accuracy per class";

    private const string ReliabilityDescription =
        "Calibration of the teacher and the student: rows are binned by confidence (the largest class probability); each point is a " +
        "non-empty bin's mean confidence against its accuracy. A calibrated model lies on the diagonal; below it, the model is overconfident. " +
        "ECE is the bins' gap to the diagonal weighted by their rows.";

    private const string PerClassDescription =
        "Accuracy (recall) on the rows of each true class, teacher and student side by side: where the student lost or gained against its teacher.";

    public static PlotSpec Reliability(DistillationEvaluation evaluation, ReportTask task)
    {
        if (task.NoCalibration is string noCalibration)
            return PlotSpec.Omitted(ReliabilityName, ReliabilityTitle, ReliabilityDescription, noCalibration);
        var models = new[] { (evaluation.Teacher, PlotStyle.Teacher), (evaluation.Student, PlotStyle.Student) }
            .Where(m => m.Item1.Calibration?.Bins.Any(b => b.Count > 0) == true).ToList();
        if (models.Count == 0)
            return PlotSpec.Omitted(ReliabilityName, ReliabilityTitle, ReliabilityDescription, "The evaluation has no calibration bins for either model.");
        string? note = models.Count == 1 ? $"Only {models[0].Item1.Name} has calibration bins." : null;
        return PlotSpec.Drawn(ReliabilityName, ReliabilityTitle, ReliabilityDescription, plot =>
        {
            var diagonal = plot.Add.Line(0, 0, 1, 1);
            diagonal.Color = PlotStyle.Neutral;
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.LegendText = "perfect calibration";
            foreach (var (model, color) in models)
            {
                var bins = model.Calibration!.Bins.Where(b => b.Count > 0).ToList();
                var line = plot.Add.Scatter(bins.Select(b => b.MeanConfidence).ToArray(), bins.Select(b => b.Accuracy).ToArray(), color);
                line.LineWidth = 2;
                line.MarkerSize = 8;
                line.LegendText = $"{model.Name} (ECE {model.Calibration.ExpectedCalibrationError.ToString("0.000", CultureInfo.InvariantCulture)})";
            }
            plot.Axes.SetLimits(0, 1, 0, 1.02);
            plot.XLabel("Mean confidence in bin");
            plot.YLabel("Accuracy in bin");
            plot.ShowLegend(Alignment.UpperLeft);
        }, note);
    }

    public static PlotSpec PerClassAccuracy(DistillationEvaluation evaluation, ReportTask task)
    {
        if (task.NoClasses is string noClasses)
            return PlotSpec.Omitted(PerClassName, PerClassTitle, PerClassDescription, noClasses);
        var teacher = evaluation.Teacher.PerClassAccuracy;
        var student = evaluation.Student.PerClassAccuracy;
        if (teacher.Count == 0 && student.Count == 0)
            return PlotSpec.Omitted(PerClassName, PerClassTitle, PerClassDescription, "The evaluation has no per-class accuracy for either model.");
        var classes = teacher.Select(c => c.ClassName).Concat(student.Select(c => c.ClassName)).Distinct().ToList();
        return PlotSpec.Drawn(PerClassName, PerClassTitle, PerClassDescription, plot =>
        {
            const double width = 0.38;
            var bars = new List<Bar>();
            foreach (var (model, offset, color) in new[] { (evaluation.Teacher, -width / 2, PlotStyle.Teacher),
                (evaluation.Student, width / 2, PlotStyle.Student) })
                foreach (var c in model.PerClassAccuracy)
                    bars.Add(new Bar
                    {
                        Position = classes.IndexOf(c.ClassName) + offset, Value = c.Accuracy, Size = width, FillColor = color,
                        LineWidth = 0
                    });
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = evaluation.Teacher.Name, FillColor = PlotStyle.Teacher });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = evaluation.Student.Name, FillColor = PlotStyle.Student });
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, classes.Count).Select(i => (double)i).ToArray(), classes.ToArray());
            if (classes.Count > 8 || classes.Any(c => c.Length > 10))
            {
                plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
                plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            }
            plot.Axes.SetLimits(-0.6, classes.Count - 0.4, 0, 1.12);
            plot.XLabel("True class");
            plot.YLabel("Accuracy (recall)");
            plot.ShowLegend(Alignment.UpperRight, Orientation.Horizontal);
        });
    }
}
