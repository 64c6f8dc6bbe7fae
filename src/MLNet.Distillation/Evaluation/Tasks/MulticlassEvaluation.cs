using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>Multiclass predictions: class probabilities (softmax of a teacher's logits, or the Score vector) and the predicted class.</summary>
internal sealed class MulticlassEvaluation : TaskEvaluation
{
    public static MulticlassEvaluation Instance { get; } = new();

    public override bool ReadsLabel(DataViewType type)
        => type is KeyDataViewType key && key.RawType == typeof(uint) && key.Count is > 0 and <= int.MaxValue;

    /// <summary>Class k is key k + 1 (key 0, missing, reads NaN); classes are named by the key values, else 1..K.</summary>
    public override EvaluationLabels ReadLabels(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var values = ReadAll<uint>(cursor, column, key => key == 0 ? float.NaN : key - 1);
        int count = (int)((KeyDataViewType)column.Type).Count;
        var names = EvaluationLabels.KeyValueNames(column);
        bool named = names?.Length == count;
        var classNames = named ? names! : Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new EvaluationLabels(MulticlassTask.Instance, count, values, classNames, column.Name, hasKeyValues: named);
    }

    public override ReadOnlySpan<float> Distribution(float[] probabilities, int row, EvaluationLabels labels, Span<float> binary)
        => probabilities.AsSpan(row * labels.ClassCount, labels.ClassCount);

    public override int LogitsPerRow(EvaluationLabels labels) => labels.ClassCount;

    public override ModelOutputs FromLogits(float[] logits, EvaluationLabels labels)
    {
        int width = labels.ClassCount;
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
            predicted[r] = ScoredModel.ArgMax(p);
        }
        return new ModelOutputs(probabilities, null, predicted);
    }

    public override ModelOutputs ReadStandardColumns(IDataView scored, DataViewSchema.Column score, EvaluationLabels labels, string name)
    {
        int k = labels.ClassCount, rows = labels.Rows;
        if (score.Type is not VectorDataViewType { IsKnownSize: true, ItemType: var item } vector || item != NumberDataViewType.Single
            || vector.Size != k)
            throw new ArgumentException($"The {name}'s '{DefaultColumnNames.Score}' column is {score.Type}, but the label has {k} classes: " +
                $"a multiclass model writes a vector of {k} Single class probabilities.");
        // A key-typed PredictedLabel is what the model predicts; MapKeyToValue may have turned it into values, then argmax of Score is.
        var predictedLabel = scored.Schema.GetColumnOrNull(DefaultColumnNames.PredictedLabel);
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
            else predicted[r] = ScoredModel.ArgMax(p);
            r++;
        }
        CheckCount(r, labels, name);
        return new ModelOutputs(probabilities, null, predicted);
    }

    public override StandardMetrics Metrics(MLContext ml, EvaluationLabels labels, ModelOutputs outputs, int[] rows)
    {
        int k = labels.ClassCount;
        // LoadFromEnumerable reads a key property as a 0-based index (it writes index + 1; an index ≥ k is missing).
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new Row
        {
            Label = (uint)labels.Values[r],
            Score = outputs.Probabilities.AsSpan(r * k, k).ToArray(),
            PredictedLabel = outputs.Predicted![r] < 0 ? (uint)k : (uint)outputs.Predicted[r],
        }), Definition(k));
        var m = ml.MulticlassClassification.Evaluate(view);
        return new([
            new("MicroAccuracy", m.MicroAccuracy, true),
            new("MacroAccuracy", m.MacroAccuracy, true),
            new("MacroF1", DistillationMetrics.MacroF1(m.ConfusionMatrix), true),
            new("LogLoss", m.LogLoss, false),
            new("LogLossReduction", m.LogLossReduction, true),
        ], null, m, null);
    }

    private static SchemaDefinition Definition(int classes)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        definition[nameof(Row.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        definition[nameof(Row.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
        return definition;
    }

    private sealed class Row
    {
        public uint Label { get; set; }
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }
}
