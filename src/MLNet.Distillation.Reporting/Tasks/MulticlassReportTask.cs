namespace MLNet.Distillation.Reporting.Tasks;

/// <summary>One of K classes: every classifier chart applies.</summary>
internal sealed class MulticlassReportTask : ReportTask
{
    public static MulticlassReportTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.MulticlassClassification;

    public override string Title => "Multiclass classification";
}
