namespace MLNet.Distillation.Reporting.Tasks;

/// <summary>Yes or no: every classifier chart applies.</summary>
internal sealed class BinaryReportTask : ReportTask
{
    public static BinaryReportTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.BinaryClassification;

    public override string Title => "Binary classification";
}
