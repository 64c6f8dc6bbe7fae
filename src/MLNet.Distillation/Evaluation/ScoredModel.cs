using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A model under evaluation: the transformer that scores the rows, how to read its predictions in the task's terms, and
/// its size. Either an ML.NET model writing the task's standard columns (<c>Score</c>, <c>Probability</c>,
/// <c>PredictedLabel</c>), or a <see cref="Teacher"/> whose logits TeacherScore writes.
/// </summary>
internal sealed class ScoredModel
{
    private readonly Func<MLContext, DataViewSchema, (long Bytes, long? Parameters)> _size;
    private readonly bool _teacherLogits;

    private ScoredModel(ITransformer transformer, bool teacherLogits, Func<MLContext, DataViewSchema, (long, long?)> size, Teacher? teacher = null)
    {
        Transformer = transformer;
        _teacherLogits = teacherLogits;
        _size = size;
        Teacher = teacher;
    }

    /// <summary>
    /// The teacher, when this model is one: its TeacherScore stage only scores in blocks, so single rows are timed
    /// through the teacher itself.
    /// </summary>
    public Teacher? Teacher { get; }

    /// <summary>What scores the rows (for a teacher: its TeacherScore stage).</summary>
    public ITransformer Transformer { get; }

    /// <summary>The model's stored size in bytes, and its trainable parameters when known.</summary>
    public (long Bytes, long? Parameters) Size(MLContext mlContext, DataViewSchema inputSchema) => _size(mlContext, inputSchema);

    /// <summary>
    /// An ML.NET model. Parameters: a student trained in this process knows its count; otherwise the ONNX graphs the
    /// saved model holds are counted (a reloaded student); tree models and others give none.
    /// </summary>
    public static ScoredModel FromTransformer(ITransformer model)
        => new(model, teacherLogits: false, (ml, schema) =>
        {
            var saved = ModelBytes.Of(ml, model, schema);
            return (saved.Length, ModelExtensions.FindStudent(model)?.ParameterCount ?? ModelBytes.OnnxParameters(saved));
        });

    public static ScoredModel FromTeacher(MLContext mlContext, Teacher teacher, IDataView data)
        => new(mlContext.Transforms.TeacherScore(teacher).Fit(data), teacherLogits: true,
            (ml, schema) => (teacher.SerializedBytes(ml, schema), teacher.ParameterCount()), teacher);

    /// <summary>The output columns a prediction produces (what latency and throughput pull), present in <paramref name="output"/>.</summary>
    public IReadOnlyList<DataViewSchema.Column> PredictionColumns(DataViewSchema output)
        => (_teacherLogits ? [DefaultColumnNames.TeacherLogits]
            : new[] { DefaultColumnNames.Score, DefaultColumnNames.Probability, DefaultColumnNames.PredictedLabel })
            .Select(output.GetColumnOrNull).Where(c => c is not null).Select(c => c!.Value).ToArray();

    /// <summary>
    /// Throws, naming <paramref name="name"/> and both orders, when the model's classes are in another order than the
    /// evaluation label's keys.
    /// </summary>
    public void CheckClassOrder(IDataView scored, EvaluationLabels labels, string name)
        => labels.CheckClassOrder(scored.Schema, _teacherLogits ? DefaultColumnNames.TeacherLogits : DefaultColumnNames.Score, name);

    /// <summary>Reads the predictions of <paramref name="name"/> from its scored rows, checked against the labels' task and class count.</summary>
    public ModelOutputs Read(IDataView scored, EvaluationLabels labels, string name)
        => _teacherLogits ? ReadLogits(scored, labels, name) : ReadStandardColumns(scored, labels, name);

    private static ModelOutputs ReadLogits(IDataView scored, EvaluationLabels labels, string name)
    {
        var task = labels.Task;
        var column = scored.Schema[DefaultColumnNames.TeacherLogits];
        int width = column.Type is VectorDataViewType vector ? vector.Size : 1;
        int expected = task.Evaluation.LogitsPerRow(labels);
        if (width != expected)
            throw new ArgumentException($"The {name} writes {width} logits per row, but label '{labels.ColumnName}' ({task.Kind}) needs {expected} " +
                $"{task.OutputsMeaning(expected)}.");
        var logits = new float[labels.Rows * width];
        using (var cursor = scored.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> row = default;
            int i = 0;
            while (cursor.MoveNext())
            {
                getter(ref row);
                TaskEvaluation.CheckRow(i, labels, name);
                row.DenseValues().ToArray().CopyTo(logits, i++ * width);
            }
            TaskEvaluation.CheckCount(i, labels, name);
        }
        // Probabilities from a teacher that did not say what its output holds would be read as logits: the figures of another model.
        if (labels.IsClassification && TeacherScoredDataView.OutputKindUnstated(column))
        {
            var check = new ProbabilityOutputsCheck(column.Name, labels.ColumnName, width, unstated: true, fromTeacherScore: true);
            for (int r = 0; r < labels.Rows; r++)
                check.Add(logits.AsSpan(r * width, width), labels.Values[r]);
            try { check.Verify(_ => { }); }
            catch (ArgumentOutOfRangeException e) { throw new ArgumentException($"The {name}'s outputs cannot be evaluated: {e.Message}", e); }
        }
        return task.Evaluation.FromLogits(logits, labels);
    }

    private static ModelOutputs ReadStandardColumns(IDataView scored, EvaluationLabels labels, string name)
    {
        var score = scored.Schema.GetColumnOrNull(DefaultColumnNames.Score)
            ?? throw new ArgumentException($"The {name} writes no '{DefaultColumnNames.Score}' column (it writes: {string.Join(", ", scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}); " +
                "evaluation reads the columns ML.NET's trainers write.");
        return labels.Task.Evaluation.ReadStandardColumns(scored, score, labels, name);
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
