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
    /// <param name="task">The task the label's type implies.</param>
    /// <param name="classCount">Classes: the key count (multiclass), 2 (binary), 0 (regression).</param>
    /// <param name="values">Per row: the class index or the target; NaN when missing.</param>
    /// <param name="classNames">Class names by index.</param>
    /// <param name="column">The label column's name.</param>
    /// <param name="hasKeyValues">Whether the class names are the label's own key values.</param>
    internal EvaluationLabels(TrainingTask task, int classCount, float[] values, IReadOnlyList<string> classNames, string column,
        bool hasKeyValues = false)
    {
        Task = task;
        ClassCount = classCount;
        Values = values;
        ClassNames = classNames;
        ColumnName = column;
        HasKeyValues = hasKeyValues;
    }

    /// <summary>The label column's name.</summary>
    public string ColumnName { get; }

    /// <summary>Whether <see cref="ClassNames"/> are the label's own key values (multiclass), not numbers made up for it.</summary>
    public bool HasKeyValues { get; }

    /// <summary>The task the label's type implies; it reads the models' predictions and computes the metrics.</summary>
    public TrainingTask Task { get; }

    /// <summary>Classes: the key count (multiclass), 2 (binary), 0 (regression).</summary>
    public int ClassCount { get; }

    /// <summary>Per row: the class index 0..K−1 (binary: 0 false, 1 true) or the regression target; NaN when missing (key 0 or NaN).</summary>
    public float[] Values { get; }

    /// <summary>Class names by index (the label's key values, or 1..K); binary: False, True.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public int Rows => Values.Length;

    /// <summary>Whether the labels are classes (calibration, per-class accuracy and agreement apply), not values.</summary>
    public bool IsClassification => Task.IsClassification;

    public static EvaluationLabels Read(IDataView scored, string labelColumnName)
    {
        var column = scored.Schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentException($"Label column '{labelColumnName}' was not found in the evaluation data (it has: " +
                $"{string.Join(", ", scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}). Set EvaluationOptions.LabelColumnName.");
        // Each task's evaluation says whether the column's type is its label; the types are disjoint.
        var evaluation = TrainingTask.All.Select(t => t.Evaluation).FirstOrDefault(e => e.ReadsLabel(column.Type))
            ?? throw new ArgumentException($"Label column '{labelColumnName}' is {column.Type}; evaluation needs a Boolean (binary), a UInt32 key " +
                "(multiclass: map text labels with MapValueToKey, as for training) or a Single (regression).");
        using var cursor = scored.GetRowCursor([column]);
        return evaluation.ReadLabels(cursor, column);
    }

    /// <summary>A key column's key values as text (whatever their type), or null when it has none.</summary>
    public static string[]? KeyValueNames(DataViewSchema.Column column) => AnnotationNames(column, ColumnView.KeyValuesAnnotation);

    /// <summary>
    /// The class order a multiclass model's output declares, as text: the key values of a key-typed <c>PredictedLabel</c>
    /// (an ML.NET trainer's, or a student's: the training label's key values, kept in the model), else the slot names of its
    /// score column (<c>Score</c>, or a teacher's <c>TeacherLogits</c>, named when the teacher names its classes); null
    /// when the output tells none.
    /// </summary>
    public static string[]? ModelClassNames(DataViewSchema scored, string scoreColumn)
    {
        if (scored.GetColumnOrNull(DefaultColumnNames.PredictedLabel) is { Type: KeyDataViewType } predicted && KeyValueNames(predicted) is { } keys)
            return keys;
        return scored.GetColumnOrNull(scoreColumn) is { } score && ColumnAnnotations.SlotNames(score) is { } slots ? slots : null;
    }

    private static string[]? AnnotationNames(DataViewSchema.Column column, string annotation)
    {
        if (column.Annotations.Schema.GetColumnOrNull(annotation) is not { Type: VectorDataViewType type })
            return null;
        return (string[])typeof(EvaluationLabels)
            .GetMethod(nameof(NamesOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type.ItemType.RawType).Invoke(null, [column, annotation])!;
    }

    private static string[] NamesOf<T>(DataViewSchema.Column column, string annotation)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(annotation, ref values);
        return values.DenseValues().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
    }

    /// <summary>
    /// Throws when <paramref name="model"/>'s output declares its classes in another order (or other classes) than the
    /// label's key values: the label was mapped by another <c>MapValueToKey</c> fit than the one the model was trained
    /// with, and every figure would compare other classes. Nothing to compare when either side names no classes.
    /// </summary>
    public void CheckClassOrder(DataViewSchema scored, string scoreColumn, string model)
    {
        // Only a multiclass label has key values (HasKeyValues), so binary and regression labels return here.
        if (!HasKeyValues || ModelClassNames(scored, scoreColumn) is not { } trained
            || trained.SequenceEqual(ClassNames, StringComparer.Ordinal))
            return;
        throw new ArgumentException($"Label column '{ColumnName}' of the evaluation data orders its classes [{string.Join(", ", ClassNames)}] (its key values), " +
            $"but the {model} was trained with them in the order [{string.Join(", ", trained)}]: the evaluation labels were mapped by another MapValueToKey fit " +
            "than the training labels, so key k names another class for the data than for the model and every figure would compare other classes. " +
            "Map the evaluation labels with the MapValueToKey transformer fitted on the training data (or with keyData listing the classes in the training order).");
    }
}
