using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Binary predictions: the score (a logit), the probability when the model gives one (σ of a teacher's logit), and the
/// predicted class.
/// </summary>
internal sealed class BinaryEvaluation : TaskEvaluation
{
    public static BinaryEvaluation Instance { get; } = new();

    public override bool ReadsLabel(DataViewType type) => type is BooleanDataViewType;

    public override EvaluationLabels ReadLabels(DataViewRowCursor cursor, DataViewSchema.Column column)
        => new(BinaryTask.Instance, 2, ReadAll<bool>(cursor, column, value => value ? 1 : 0), ["False", "True"], column.Name);

    /// <summary>The positive class's probability p as the two classes' [1 − p, p], written into <paramref name="binary"/>.</summary>
    public override ReadOnlySpan<float> Distribution(float[] probabilities, int row, EvaluationLabels labels, Span<float> binary)
    {
        binary[0] = 1 - probabilities[row];
        binary[1] = probabilities[row];
        return binary;
    }

    public override ModelOutputs FromLogits(float[] logits, EvaluationLabels labels)
        => new(logits.Select(z => 1 / (1 + MathF.Exp(-z))).ToArray(), logits, logits.Select(z => z > 0 ? 1 : 0).ToArray());

    public override ModelOutputs ReadStandardColumns(IDataView scored, DataViewSchema.Column score, EvaluationLabels labels, string name)
    {
        RequireSingle(score, name);
        var probability = scored.Schema.GetColumnOrNull(DefaultColumnNames.Probability);
        var predictedLabel = scored.Schema.GetColumnOrNull(DefaultColumnNames.PredictedLabel);
        // An uncalibrated model writes no Probability; one without PredictedLabel is read by the sign of its score.
        bool calibrated = probability is { } pc && pc.Type == NumberDataViewType.Single;
        bool boolean = predictedLabel is { } pl && pl.Type == BooleanDataViewType.Instance;
        int rows = labels.Rows;
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

    public override StandardMetrics Metrics(MLContext ml, EvaluationLabels labels, ModelOutputs outputs, int[] rows)
    {
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new Row
        {
            Label = labels.Values[r] == 1,
            Score = outputs.Scores![r],
            Probability = outputs.Probabilities?[r] ?? 0,
            PredictedLabel = outputs.Predicted![r] == 1,
        }));
        // A model without probabilities (uncalibrated) has no log-loss: ML.NET's non-calibrated evaluator.
        if (outputs.Probabilities is null)
        {
            var uncalibrated = ml.BinaryClassification.EvaluateNonCalibrated(view);
            return new(Ranking(uncalibrated), uncalibrated, null, null);
        }
        var calibrated = ml.BinaryClassification.Evaluate(view);
        return new([.. Ranking(calibrated), new("LogLoss", calibrated.LogLoss, false), new("LogLossReduction", calibrated.LogLossReduction, true)],
            calibrated, null, null);
    }

    private static List<MetricValue> Ranking(BinaryClassificationMetrics m) =>
    [
        new("Accuracy", m.Accuracy, true),
        new("AreaUnderRocCurve", m.AreaUnderRocCurve, true),
        new("AreaUnderPrecisionRecallCurve", m.AreaUnderPrecisionRecallCurve, true),
        new("F1Score", m.F1Score, true),
    ];

    private sealed class Row
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }
}
