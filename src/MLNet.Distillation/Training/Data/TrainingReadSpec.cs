using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>What reading training rows needs to know: the task (how labels are read), the columns and their widths, whether
/// rows without label are kept, and the cancellation probe called every 1,024 rows.</summary>
internal sealed record TrainingReadSpec(TrainingTask Task, DataViewSchema.Column Features, DataViewSchema.Column Label,
    DataViewSchema.Column? Teacher, int FeatureCount, int OutputCount, bool KeepUnlabelled, Action CheckAlive)
{
    /// <summary>The columns a cursor must make active.</summary>
    public DataViewSchema.Column[] Columns => Teacher is { } t ? [Features, Label, t] : [Features, Label];

    /// <summary>A reader of the current row of <paramref name="cursor"/>.</summary>
    public TrainingRowReader Reader(DataViewRowCursor cursor) => new(cursor, Task, Features, Label, Teacher, FeatureCount, OutputCount, KeepUnlabelled);

    /// <summary>An empty table for these columns.</summary>
    public TrainingTable NewTable(long? expectedRows, bool withTeacher = true) => TrainingTable.Create(FeatureCount, OutputCount, withTeacher && Teacher is not null, expectedRows);
}
