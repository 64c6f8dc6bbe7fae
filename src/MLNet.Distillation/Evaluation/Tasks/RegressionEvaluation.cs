using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>Regression predictions: one score per row (a teacher's single output is its prediction).</summary>
internal sealed class RegressionEvaluation : TaskEvaluation
{
    public static RegressionEvaluation Instance { get; } = new();

    public override bool ReadsLabel(DataViewType type) => type == NumberDataViewType.Single;

    public override EvaluationLabels ReadLabels(DataViewRowCursor cursor, DataViewSchema.Column column)
        => new(RegressionTask.Instance, 0, ReadAll<float>(cursor, column, value => value), [], column.Name);

    public override ModelOutputs FromLogits(float[] logits, EvaluationLabels labels) => new(null, logits, null);

    public override ModelOutputs ReadStandardColumns(IDataView scored, DataViewSchema.Column score, EvaluationLabels labels, string name)
    {
        RequireSingle(score, name);
        var scores = new float[labels.Rows];
        using var cursor = scored.GetRowCursor([score]);
        var getScore = cursor.GetGetter<float>(score);
        float s = 0;
        int r = 0;
        while (cursor.MoveNext()) { getScore(ref s); CheckRow(r, labels, name); scores[r++] = s; }
        CheckCount(r, labels, name);
        return new ModelOutputs(null, scores, null);
    }

    public override StandardMetrics Metrics(MLContext ml, EvaluationLabels labels, ModelOutputs outputs, int[] rows)
    {
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Label = labels.Values[r], Score = outputs.Scores![r] }));
        var m = ml.Regression.Evaluate(view);
        return new([
            new("RootMeanSquaredError", m.RootMeanSquaredError, false),
            new("MeanAbsoluteError", m.MeanAbsoluteError, false),
            new("RSquared", m.RSquared, true),
        ], null, null, m);
    }

    private sealed class Row
    {
        public float Label { get; set; }
        public float Score { get; set; }
    }
}
