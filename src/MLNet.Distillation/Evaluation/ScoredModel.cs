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

    /// <summary>The teacher, when this model is one: its TeacherScore stage only scores in blocks, so single rows are timed through the teacher itself.</summary>
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
        => new(mlContext.Transforms.TeacherScore(teacher).Fit(data), teacherLogits: true, (ml, schema) => (teacher.SerializedBytes(ml, schema), teacher.ParameterCount()), teacher);

    /// <summary>The output columns a prediction produces (what latency and throughput pull), present in <paramref name="output"/>.</summary>
    public IReadOnlyList<DataViewSchema.Column> PredictionColumns(DataViewSchema output)
        => (_teacherLogits ? [DefaultColumnNames.TeacherLogits] : new[] { DefaultColumnNames.Score, DefaultColumnNames.Probability, DefaultColumnNames.PredictedLabel })
            .Select(output.GetColumnOrNull).Where(c => c is not null).Select(c => c!.Value).ToArray();

    /// <summary>Throws, naming <paramref name="name"/> and both orders, when the model's classes are in another order than the evaluation label's keys.</summary>
    public void CheckClassOrder(IDataView scored, EvaluationLabels labels, string name)
        => labels.CheckClassOrder(scored.Schema, _teacherLogits ? DefaultColumnNames.TeacherLogits : DefaultColumnNames.Score, name);

    /// <summary>Reads the predictions of <paramref name="name"/> from its scored rows, checked against the labels' task and class count.</summary>
    public ModelOutputs Read(IDataView scored, EvaluationLabels labels, string name)
        => _teacherLogits ? ReadLogits(scored, labels, name) : ReadStandardColumns(scored, labels, name);

    private static ModelOutputs ReadLogits(IDataView scored, EvaluationLabels labels, string name)
    {
        var column = scored.Schema[DefaultColumnNames.TeacherLogits];
        int width = column.Type is VectorDataViewType vector ? vector.Size : 1;
        int expected = labels.Task == DistillationTask.MulticlassClassification ? labels.ClassCount : 1;
        if (width != expected)
            throw new ArgumentException($"The {name} writes {width} logits per row, but label '{labels.Task}' needs {expected} " +
                (labels.Task == DistillationTask.MulticlassClassification ? $"(the label has {labels.ClassCount} classes)." : "(one logit or prediction)."));
        var logits = new float[labels.Rows * width];
        using (var cursor = scored.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> row = default;
            int i = 0;
            while (cursor.MoveNext())
            {
                getter(ref row);
                CheckRow(i, labels, name);
                row.DenseValues().ToArray().CopyTo(logits, i++ * width);
            }
            CheckCount(i, labels, name);
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
        switch (labels.Task)
        {
            case DistillationTask.MulticlassClassification:
                var probabilities = new float[logits.Length];
                var predicted = new int[labels.Rows];
                for (int r = 0; r < labels.Rows; r++)
                {
                    var z = logits.AsSpan(r * width, width);
                    var p = probabilities.AsSpan(r * width, width);
                    float max = float.NegativeInfinity;
                    for (int k = 0; k < width; k++) max = Math.Max(max, z[k]);
                    double sum = 0;
                    for (int k = 0; k < width; k++) sum += p[k] = MathF.Exp(z[k] - max);
                    for (int k = 0; k < width; k++) p[k] = (float)(p[k] / sum);
                    predicted[r] = ArgMax(p);
                }
                return new ModelOutputs(probabilities, null, predicted);
            case DistillationTask.BinaryClassification:
                return new ModelOutputs(logits.Select(z => 1 / (1 + MathF.Exp(-z))).ToArray(), logits, logits.Select(z => z > 0 ? 1 : 0).ToArray());
            default:
                return new ModelOutputs(null, logits, null);
        }
    }

    private static ModelOutputs ReadStandardColumns(IDataView scored, EvaluationLabels labels, string name)
    {
        var schema = scored.Schema;
        var score = schema.GetColumnOrNull(DefaultColumnNames.Score)
            ?? throw new ArgumentException($"The {name} writes no '{DefaultColumnNames.Score}' column (it writes: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}); " +
                "evaluation reads the columns ML.NET's trainers write.");
        var probability = schema.GetColumnOrNull(DefaultColumnNames.Probability);
        var predictedLabel = schema.GetColumnOrNull(DefaultColumnNames.PredictedLabel);
        int rows = labels.Rows;
        switch (labels.Task)
        {
            case DistillationTask.MulticlassClassification:
            {
                int k = labels.ClassCount;
                if (score.Type is not VectorDataViewType { IsKnownSize: true, ItemType: var item } vector || item != NumberDataViewType.Single || vector.Size != k)
                    throw new ArgumentException($"The {name}'s '{DefaultColumnNames.Score}' column is {score.Type}, but the label has {k} classes: " +
                        $"a multiclass model writes a vector of {k} Single class probabilities.");
                // A key-typed PredictedLabel is what the model predicts; MapKeyToValue may have turned it into values, then argmax of Score is.
                bool keyed = predictedLabel is { Type: KeyDataViewType { RawType: var raw } } && raw == typeof(uint);
                var probabilities = new float[rows * k];
                var predicted = new int[rows];
                using var cursor = scored.GetRowCursor(keyed ? [score, predictedLabel!.Value] : [score]);
                var getScore = cursor.GetGetter<VBuffer<float>>(score);
                var getKey = keyed ? cursor.GetGetter<uint>(predictedLabel!.Value) : null;
                VBuffer<float> values = default;
                uint key = 0;
                int r = 0;
                while (cursor.MoveNext())
                {
                    getScore(ref values);
                    CheckRow(r, labels, name);
                    var p = probabilities.AsSpan(r * k, k);
                    values.DenseValues().ToArray().CopyTo(p);
                    if (getKey is not null) { getKey(ref key); predicted[r] = (int)key - 1; }
                    else predicted[r] = ArgMax(p);
                    r++;
                }
                CheckCount(r, labels, name);
                return new ModelOutputs(probabilities, null, predicted);
            }
            case DistillationTask.BinaryClassification:
            {
                RequireSingle(score, name);
                bool calibrated = probability is { } pc && pc.Type == NumberDataViewType.Single;
                bool boolean = predictedLabel is { } pl && pl.Type == BooleanDataViewType.Instance;
                var scores = new float[rows];
                var probabilities = calibrated ? new float[rows] : null;
                var predicted = new int[rows];
                var columns = new List<DataViewSchema.Column> { score };
                if (calibrated) columns.Add(probability!.Value);
                if (boolean) columns.Add(predictedLabel!.Value);
                using var cursor = scored.GetRowCursor(columns);
                var getScore = cursor.GetGetter<float>(score);
                var getProbability = calibrated ? cursor.GetGetter<float>(probability!.Value) : null;
                var getPredicted = boolean ? cursor.GetGetter<bool>(predictedLabel!.Value) : null;
                float s = 0, p = 0;
                bool b = false;
                int r = 0;
                while (cursor.MoveNext())
                {
                    getScore(ref s);
                    CheckRow(r, labels, name);
                    scores[r] = s;
                    if (getProbability is not null) { getProbability(ref p); probabilities![r] = p; }
                    if (getPredicted is not null) { getPredicted(ref b); predicted[r] = b ? 1 : 0; }
                    else predicted[r] = s > 0 ? 1 : 0;
                    r++;
                }
                CheckCount(r, labels, name);
                return new ModelOutputs(probabilities, scores, predicted);
            }
            default:
            {
                RequireSingle(score, name);
                var scores = new float[rows];
                using var cursor = scored.GetRowCursor([score]);
                var getScore = cursor.GetGetter<float>(score);
                float s = 0;
                int r = 0;
                while (cursor.MoveNext()) { getScore(ref s); CheckRow(r, labels, name); scores[r++] = s; }
                CheckCount(r, labels, name);
                return new ModelOutputs(null, scores, null);
            }
        }
    }

    private static void CheckRow(int row, EvaluationLabels labels, string name)
    {
        if (row >= labels.Rows)
            throw new ArgumentException($"The {name} scores more rows than the {labels.Rows} labelled evaluation rows; both models must keep every row.");
    }

    private static void CheckCount(int rows, EvaluationLabels labels, string name)
    {
        if (rows != labels.Rows)
            throw new ArgumentException($"The {name} scores {rows} rows, but the evaluation data has {labels.Rows}; both models must keep every row.");
    }

    private static void RequireSingle(DataViewSchema.Column score, string name)
    {
        if (score.Type != NumberDataViewType.Single)
            throw new ArgumentException($"The {name}'s '{DefaultColumnNames.Score}' column is {score.Type}; a binary or regression model writes a Single score.");
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
