using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// The teacher stage as ML.NET's PredictionEngine sees it: every input column passes through, and the teacher column is
/// declared but not computed (a teacher scores whole data views in blocks, and prediction never needs it). ML.NET's
/// PredictionEngine activates every output column but reads only those its output class names, so a whole fitted
/// pipeline, teacher stage included, predicts like its student; reading the teacher column here is an error that says so.
/// </summary>
internal sealed class TeacherRowMapper : IRowToRowMapper
{
    private readonly string _teacherDescription;

    public TeacherRowMapper(DataViewSchema inputSchema, DataViewSchema outputSchema, string teacherDescription)
    {
        InputSchema = inputSchema;
        OutputSchema = outputSchema;
        _teacherDescription = teacherDescription;
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    /// <summary>Only the passed-through input columns: the teacher column is never computed here, so it depends on nothing.</summary>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        => dependingColumns.Where(c => c.Index < InputSchema.Count).Select(c => InputSchema[c.Index]).ToArray();

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        => new Row(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    private sealed class Row(TeacherRowMapper mapper, DataViewRow input, HashSet<int> active) : DataViewRow
    {
        public override DataViewSchema Schema => mapper.OutputSchema;

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
            => column.Index < mapper.InputSchema.Count ? input.IsColumnActive(input.Schema[column.Index]) : active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < mapper.InputSchema.Count)
                return input.GetGetter<TValue>(input.Schema[column.Index]);
            string name = column.Name;
            return (ref TValue _) => throw new NotSupportedException(
                $"Column '{name}' ({mapper._teacherDescription}) is computed for whole data views in blocks, not one row at a time: " +
                "prediction never needs it. Leave it out of the prediction class, or build the engine from model.Student().");
        }
    }
}
