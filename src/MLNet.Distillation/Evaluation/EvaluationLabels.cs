using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// The labels of the evaluation rows and the task their type implies: Boolean (binary), key (multiclass), Single
/// (regression). Read from the student's output, so that a label the pipeline maps itself (MapValueToKey inside the
/// model) is read as the model sees it.
/// </summary>
internal sealed class EvaluationLabels
{
    private EvaluationLabels(DistillationTask task, int classCount, float[] values, IReadOnlyList<string> classNames)
    {
        Task = task;
        ClassCount = classCount;
        Values = values;
        ClassNames = classNames;
    }

    public DistillationTask Task { get; }

    /// <summary>Classes: the key count (multiclass), 2 (binary), 0 (regression).</summary>
    public int ClassCount { get; }

    /// <summary>Per row: the class index 0..K−1 (binary: 0 false, 1 true) or the regression target; NaN when missing (key 0 or NaN).</summary>
    public float[] Values { get; }

    /// <summary>Class names by index (the label's key values, or 1..K); binary: False, True.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public int Rows => Values.Length;

    public bool IsClassification => Task != DistillationTask.Regression;

    public static EvaluationLabels Read(IDataView scored, string labelColumnName)
    {
        var column = scored.Schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentException($"Label column '{labelColumnName}' was not found in the evaluation data (it has: " +
                $"{string.Join(", ", scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}). Set EvaluationOptions.LabelColumnName.");
        var values = new List<float>();
        using var cursor = scored.GetRowCursor([column]);
        switch (column.Type)
        {
            case BooleanDataViewType:
            {
                var getter = cursor.GetGetter<bool>(column);
                bool value = false;
                while (cursor.MoveNext()) { getter(ref value); values.Add(value ? 1 : 0); }
                return new EvaluationLabels(DistillationTask.BinaryClassification, 2, values.ToArray(), ["False", "True"]);
            }
            case KeyDataViewType key when key.RawType == typeof(uint) && key.Count is > 0 and <= int.MaxValue:
            {
                var getter = cursor.GetGetter<uint>(column);
                uint value = 0;
                while (cursor.MoveNext()) { getter(ref value); values.Add(value == 0 ? float.NaN : value - 1); }
                int count = (int)key.Count;
                return new EvaluationLabels(DistillationTask.MulticlassClassification, count, values.ToArray(), KeyNames(column, count));
            }
            case NumberDataViewType when column.Type == NumberDataViewType.Single:
            {
                var getter = cursor.GetGetter<float>(column);
                float value = 0;
                while (cursor.MoveNext()) { getter(ref value); values.Add(value); }
                return new EvaluationLabels(DistillationTask.Regression, 0, values.ToArray(), []);
            }
            default:
                throw new ArgumentException($"Label column '{labelColumnName}' is {column.Type}; evaluation needs a Boolean (binary), a UInt32 key " +
                    "(multiclass: map text labels with MapValueToKey, as for training) or a Single (regression).");
        }
    }

    private static string[] KeyNames(DataViewSchema.Column column, int count)
    {
        if (column.Annotations.Schema.GetColumnOrNull(ColumnView.KeyValuesAnnotation) is { Type: VectorDataViewType type })
        {
            var names = (string[])typeof(EvaluationLabels).GetMethod(nameof(KeyNamesOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(type.ItemType.RawType).Invoke(null, [column])!;
            if (names.Length == count)
                return names;
        }
        return Enumerable.Range(1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static string[] KeyNamesOf<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(ColumnView.KeyValuesAnnotation, ref values);
        return values.DenseValues().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
    }
}
