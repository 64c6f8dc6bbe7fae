using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Reads a cursor's current row into a <see cref="TrainingTable"/>: the label through the task, the features and the
/// teacher's outputs, each checked for its declared length and for finite values (naming the column and row). Shared by
/// the in-memory table and the streaming blocks, so both refuse the same rows with the same messages.
/// </summary>
internal sealed class TrainingRowReader
{
    private readonly DataViewRowCursor _cursor;
    private readonly DataViewSchema.Column _features;
    private readonly DataViewSchema.Column? _teacher;
    private readonly int _featureCount;
    private readonly int _outputCount;
    private readonly bool _keepUnlabelled;
    private readonly ValueGetter<VBuffer<float>> _getFeatures;
    private readonly Func<float> _getLabel;
    private readonly ValueGetter<VBuffer<float>>? _getTeacher;
    private readonly (ValueGetter<VBuffer<float>> Get, string Name, int Width)[] _extras;
    private VBuffer<float> _row, _logits;

    public TrainingRowReader(DataViewRowCursor cursor, TrainingTask task, DataViewSchema.Column features, DataViewSchema.Column label,
        DataViewSchema.Column? teacher, int featureCount, int outputCount, bool keepUnlabelled,
        IReadOnlyList<(DataViewSchema.Column Column, int Width)>? extras = null)
    {
        _extras = (extras ?? []).Select(e => (cursor.GetGetter<VBuffer<float>>(e.Column), e.Column.Name, e.Width)).ToArray();
        _cursor = cursor;
        _features = features;
        _teacher = teacher;
        _featureCount = featureCount;
        _outputCount = outputCount;
        _keepUnlabelled = keepUnlabelled;
        _getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        _getLabel = task.CreateLabelReader(cursor, label);
        _getTeacher = teacher is { } t ? cursor.GetGetter<VBuffer<float>>(t) : null;
    }

    /// <summary>Appends the current row to <paramref name="table"/>; false when it was left out for want of a label.</summary>
    public bool ReadInto(TrainingTable table) => ReadInto(table, ReadLabel());

    /// <summary>The current row's label as the task reads it (NaN for none); read it once per row.</summary>
    public float ReadLabel() => _getLabel();

    /// <summary>
    /// Appends the current row, whose label <paramref name="y"/> was read with <see cref="ReadLabel"/>, to
    /// <paramref name="table"/> (its teacher outputs only when the table keeps them); false when it was left out for want
    /// of a label.
    /// </summary>
    public bool ReadInto(TrainingTable table, float y)
    {
        if (float.IsNaN(y))
        {
            if (!_keepUnlabelled) // like ML.NET's trainers, leave the row out
            {
                table.SkippedRows++;
                return false;
            }
            table.UnlabelledRows++; // a transfer-set row: the teacher's outputs are its only target
        }
        long row = _cursor.Position;
        _getFeatures(ref _row);
        if (table.SparseFeatures is { } sparse)
            sparse.Append(_row, _features.Name, row);
        else
        {
            TrainingTable.CheckLength(_row.Length, _featureCount, _features.Name, row);
            var features = table.Features!.AppendRow();
            _row.CopyTo(features);
            TrainingTable.CheckFinite(features, _features.Name, row);
        }
        table.Labels.Add(y);
        if (_getTeacher is not null && table.TeacherLogits is not null)
        {
            _getTeacher(ref _logits);
            TrainingTable.CheckLength(_logits.Length, _outputCount, _teacher!.Value.Name, row);
            var teacherValues = table.TeacherLogits!.AppendRow();
            _logits.CopyTo(teacherValues);
            TrainingTable.CheckFinite(teacherValues, _teacher!.Value.Name, row);
        }
        // A table without extra teacher columns (validation rows) leaves them unread.
        for (int e = 0; e < table.ExtraTeacherColumns.Length; e++)
        {
            var (get, name, width) = _extras[e];
            get(ref _logits);
            TrainingTable.CheckLength(_logits.Length, width, name, row);
            var values = table.ExtraTeacherColumns[e].AppendRow();
            _logits.CopyTo(values);
            TrainingTable.CheckFinite(values, name, row);
        }
        return true;
    }
}
