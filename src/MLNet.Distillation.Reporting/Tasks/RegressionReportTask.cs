namespace MLNet.Distillation.Reporting.Tasks;

/// <summary>A number: no accuracy, calibration or classes to draw; predictions against the true values instead.</summary>
internal sealed class RegressionReportTask : ReportTask
{
    public static RegressionReportTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.Regression;

    public override string Title => "Regression";

    public override string? NoAccuracy => "Regression has no accuracy.";

    public override string? NoCalibration => "Regression has no class probabilities to calibrate.";

    public override string? NoClasses => "Regression has no classes.";

    public override bool DrawsPredictions => true;
}
