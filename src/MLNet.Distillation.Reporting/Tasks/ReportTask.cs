namespace MLNet.Distillation.Reporting.Tasks;

/// <summary>
/// What differs between tasks in the report: the words its heading names the task with, and which charts apply (a chart
/// that does not is left out with the task's reason). The report and its charts ask this object and never the task enum,
/// so a new task is a new subclass registered in <see cref="All"/>.
/// </summary>
internal abstract class ReportTask
{
    /// <summary>
    /// Every task the report draws: the registry, the one place a task is added (in the order of
    /// <see cref="DistillationTask"/>'s values).
    /// </summary>
    public static IReadOnlyList<ReportTask> All { get; } =
        [MulticlassReportTask.Instance, BinaryReportTask.Instance, RegressionReportTask.Instance];

    /// <summary>The report's view of <paramref name="task"/>: the registered task of that kind.</summary>
    /// <exception cref="NotSupportedException"><paramref name="task"/> is not a task the library trains.</exception>
    public static ReportTask Of(DistillationTask task)
        => All.FirstOrDefault(registered => registered.Kind == task) ?? throw new NotSupportedException($"No distillation task {task}.");

    /// <summary>The task as the library names it.</summary>
    public abstract DistillationTask Kind { get; }

    /// <summary>The task in the report's heading: "Binary classification".</summary>
    public abstract string Title { get; }

    /// <summary>Why the accuracy-per-epoch chart does not apply, or null when it does.</summary>
    public virtual string? NoAccuracy => null;

    /// <summary>Why the reliability diagram does not apply, or null when it does.</summary>
    public virtual string? NoCalibration => null;

    /// <summary>Why the per-class accuracy chart does not apply, or null when it does.</summary>
    public virtual string? NoClasses => null;

    /// <summary>Whether the report draws models' predictions against the true values (<see cref="DistillationReport.Predictions"/>).</summary>
    public virtual bool DrawsPredictions => false;
}
