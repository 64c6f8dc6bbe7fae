using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>Figures that ML.NET's evaluators do not give but a distillation user needs.</summary>
public static class DistillationMetrics
{
    /// <summary>Macro-averaged F1: the mean over classes of 2·P·R/(P+R), from ML.NET's confusion matrix (rows = truth, columns = prediction).
    /// A class that is never predicted and never present scores 0.</summary>
    /// <param name="confusionMatrix">From <c>MulticlassClassificationMetrics.ConfusionMatrix</c>.</param>
    public static double MacroF1(ConfusionMatrix confusionMatrix)
    {
        ArgumentNullException.ThrowIfNull(confusionMatrix);
        var counts = confusionMatrix.Counts;
        int classes = confusionMatrix.NumberOfClasses;
        double sum = 0;
        for (int c = 0; c < classes; c++)
        {
            double truePositive = counts[c][c];
            double predicted = 0, actual = 0;
            for (int k = 0; k < classes; k++)
            {
                predicted += counts[k][c];
                actual += counts[c][k];
            }
            double precision = predicted == 0 ? 0 : truePositive / predicted;
            double recall = actual == 0 ? 0 : truePositive / actual;
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return sum / classes;
    }

    /// <summary>
    /// The share of rows on which two scored data views predict the same class: their predicted-label columns hold the
    /// same key (multiclass) or the same Boolean (binary). The views must come from the same rows in the same order.
    /// </summary>
    /// <param name="first">Scored data, e.g. <c>student.Transform(test)</c>.</param>
    /// <param name="second">Scored data, e.g. the teacher's predictions on the same rows.</param>
    /// <param name="predictedLabelColumnName">The predicted-label column in both.</param>
    public static double Agreement(IDataView first, IDataView second, string predictedLabelColumnName = DefaultColumnNames.PredictedLabel)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var a = PredictedClasses(first, predictedLabelColumnName, nameof(first));
        var b = PredictedClasses(second, predictedLabelColumnName, nameof(second));
        if (a.Boolean != b.Boolean)
            throw new ArgumentException($"Column '{predictedLabelColumnName}' is {(a.Boolean ? "Boolean" : "a key")} in first but {(b.Boolean ? "Boolean" : "a key")} in second: " +
                "agreement compares predictions of one task.");
        if (a.Classes.Length != b.Classes.Length)
            throw new ArgumentException($"The two data views have different row counts ({a.Classes.Length} and {b.Classes.Length}); agreement needs the same rows.");
        if (a.Classes.Length == 0)
            throw new ArgumentException("The data views have no rows.");
        int same = 0;
        for (int i = 0; i < a.Classes.Length; i++)
            if (a.Classes[i] == b.Classes[i]) same++;
        return (double)same / a.Classes.Length;
    }

    /// <summary>
    /// Expected calibration error: rows are binned by confidence (their largest class probability) into
    /// <paramref name="bins"/> equal-width bins, and ECE = Σ_b (n_b / N) · |accuracy_b − mean confidence_b|.
    /// </summary>
    /// <param name="scored">Scored data with a key-typed label and a probability <c>Score</c> column.</param>
    /// <param name="labelColumnName">The key-typed label.</param>
    /// <param name="scoreColumnName">The class probabilities.</param>
    /// <param name="bins">Number of confidence bins (15 is the common choice).</param>
    public static double ExpectedCalibrationError(IDataView scored, string labelColumnName = DefaultColumnNames.Label,
        string scoreColumnName = DefaultColumnNames.Score, int bins = 15)
    {
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var label = scored.Schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentException($"Column '{labelColumnName}' was not found.", nameof(labelColumnName));
        var score = scored.Schema.GetColumnOrNull(scoreColumnName)
            ?? throw new ArgumentException($"Column '{scoreColumnName}' was not found.", nameof(scoreColumnName));
        if (label.Type is not KeyDataViewType || label.Type.RawType != typeof(uint))
            throw new ArgumentException($"Column '{labelColumnName}' must be a UInt32 key, but is {label.Type}.", nameof(labelColumnName));
        var rows = new List<(double Confidence, bool Correct)>();
        using var cursor = scored.GetRowCursor([label, score]);
        var getLabel = cursor.GetGetter<uint>(label);
        var getScore = cursor.GetGetter<VBuffer<float>>(score);
        uint key = 0;
        VBuffer<float> probabilities = default;
        while (cursor.MoveNext())
        {
            getLabel(ref key);
            if (key == 0) continue;
            getScore(ref probabilities);
            var values = probabilities.DenseValues().ToArray();
            int best = ScoredModel.ArgMax(values);
            rows.Add((values[best], best == key - 1));
        }
        if (rows.Count == 0)
            throw new ArgumentException("No labelled rows to measure calibration on.", nameof(scored));
        return ClassifierFigures.Calibration(rows, bins).ExpectedCalibrationError;
    }

    /// <summary>The predicted keys (1-based; 0 = missing) of every row, in order.</summary>
    /// <param name="scored">Scored data.</param>
    /// <param name="predictedLabelColumnName">Its key-typed predicted-label column.</param>
    public static uint[] PredictedKeys(IDataView scored, string predictedLabelColumnName = DefaultColumnNames.PredictedLabel)
    {
        ArgumentNullException.ThrowIfNull(scored);
        return PredictedKeys(scored, predictedLabelColumnName, nameof(scored));
    }

    /// <summary>A predicted-label column as class numbers: keys as they are, Booleans as 1 (true) and 0 (false).</summary>
    private static (uint[] Classes, bool Boolean) PredictedClasses(IDataView scored, string predictedLabelColumnName, string argumentName)
    {
        var column = scored.Schema.GetColumnOrNull(predictedLabelColumnName)
            ?? throw new ArgumentException($"Column '{predictedLabelColumnName}' was not found in {argumentName}.", argumentName);
        if (column.Type is KeyDataViewType)
            return (PredictedKeys(scored, predictedLabelColumnName, argumentName), false);
        if (column.Type != BooleanDataViewType.Instance)
            throw new ArgumentException($"Column '{predictedLabelColumnName}' in {argumentName} must be a UInt32 key (multiclass) or a Boolean (binary), but is {column.Type}.", argumentName);
        var classes = new List<uint>();
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<bool>(column);
        bool value = false;
        while (cursor.MoveNext())
        {
            getter(ref value);
            classes.Add(value ? 1u : 0u);
        }
        return (classes.ToArray(), true);
    }

    private static uint[] PredictedKeys(IDataView scored, string predictedLabelColumnName, string argumentName)
    {
        var column = scored.Schema.GetColumnOrNull(predictedLabelColumnName)
            ?? throw new ArgumentException($"Column '{predictedLabelColumnName}' was not found in {argumentName}.", argumentName);
        if (column.Type is not KeyDataViewType { RawType: var raw } || raw != typeof(uint))
            throw new ArgumentException($"Column '{predictedLabelColumnName}' in {argumentName} must be a UInt32 key, but is {column.Type}.",
                argumentName);
        var keys = new List<uint>();
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<uint>(column);
        uint value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            keys.Add(value);
        }
        return keys.ToArray();
    }
}
