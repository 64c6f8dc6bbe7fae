namespace MLNet.Distillation.Reporting.Tasks;

/// <summary>One of K classes: every classifier chart applies.</summary>
internal sealed class MulticlassReportTask : ReportTask
{
    public static MulticlassReportTask Instance { get; } = new();

    public override string Title => "Multiclass classification";
}
