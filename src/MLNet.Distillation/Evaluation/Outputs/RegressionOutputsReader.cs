using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>Regression predictions: one score per row (a teacher's single output is its prediction).</summary>
internal sealed class RegressionOutputsReader : ModelOutputsReader
{
    public static RegressionOutputsReader Instance { get; } = new();

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
}
