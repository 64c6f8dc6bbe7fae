using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>What reading training rows needs to know: the task (how labels are read), the columns and their widths, whether
/// rows without label are kept, and the cancellation probe called every 1,024 rows.</summary>
internal sealed record TrainingReadSpec(TrainingTask Task, DataViewSchema.Column Features, DataViewSchema.Column Label,
    DataViewSchema.Column? Teacher, int FeatureCount, int OutputCount, bool KeepUnlabelled, Action CheckAlive)
{
    /// <summary>
    /// Other teacher columns the loss terms read (<see cref="LossTerm.TeacherColumn"/>: a teacher's intermediate outputs),
    /// with their widths, in the order the training table keeps them.
    /// </summary>
    public IReadOnlyList<(DataViewSchema.Column Column, int Width)> ExtraTeacherColumns { get; init; } = [];

    /// <summary>Whether the features are kept as their non-zeros (<see cref="SparseRows"/>) instead of dense rows.</summary>
    public bool SparseFeatures { get; init; }

    /// <summary>The columns a cursor must make active.</summary>
    public DataViewSchema.Column[] Columns
        => [Features, Label, .. Teacher is { } t ? [t] : Array.Empty<DataViewSchema.Column>(), .. ExtraTeacherColumns.Select(e => e.Column)];

    /// <summary>A reader of the current row of <paramref name="cursor"/>.</summary>
    public TrainingRowReader Reader(DataViewRowCursor cursor)
        => new(cursor, Task, Features, Label, Teacher, FeatureCount, OutputCount, KeepUnlabelled, ExtraTeacherColumns);

    /// <summary>
    /// An empty table for these columns (without any teacher column when <paramref name="withTeacher"/> is false:
    /// validation rows).
    /// </summary>
    public TrainingTable NewTable(long? expectedRows, bool withTeacher = true)
        => TrainingTable.Create(FeatureCount, OutputCount, withTeacher && Teacher is not null, expectedRows,
            withTeacher ? ExtraTeacherColumns.Select(e => e.Width).ToArray() : [], SparseFeatures);
}
