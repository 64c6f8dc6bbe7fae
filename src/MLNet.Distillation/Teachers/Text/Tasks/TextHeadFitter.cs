using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// What a text teacher's linear head (<see cref="TextHead"/>) does differently per task: which label it is fitted to, the
/// label's classes, how it is fitted, and what it is called. The task object hands it out (<see cref="TrainingTask.TextHead"/>),
/// so the text teacher never switches on the task.
/// </summary>
internal abstract class TextHeadFitter
{
    /// <summary>
    /// Whether <paramref name="label"/> is this task's label, read as the distillation trainers read labels; throws, naming
    /// the column, when it is of this task's kind but unusable.
    /// </summary>
    public abstract bool TakesLabel(ColumnView label);

    /// <summary>The label's number of classes (multiclass); 1 for a task with one output per row.</summary>
    public virtual int ClassCount(DataViewSchema.Column label) => 1;

    /// <summary>The label's class names in output order (multiclass), else null.</summary>
    public virtual string[]? ClassNames(DataViewSchema.Column label) => null;

    /// <summary>Throws, naming <paramref name="label"/>, when the labelled rows cannot fit this head (a binary head needs both classes).</summary>
    public virtual void CheckLabels(DataViewSchema.Column label, IReadOnlyList<float> labels) { }

    /// <summary>
    /// Fits the head to <paramref name="labels"/> (class index, 0/1, or value per row) from the rows' <paramref name="embeddings"/>.
    /// </summary>
    /// <param name="mlContext">The context the ML.NET trainers run in.</param>
    /// <param name="embeddings">Row-major, <paramref name="size"/> values per row.</param>
    /// <param name="size">The embedding size.</param>
    /// <param name="labels">One label per row, as the task's label reader gives it.</param>
    /// <param name="classCount">The label's number of classes (<see cref="ClassCount"/>).</param>
    /// <param name="classNames">The label's class names (<see cref="ClassNames"/>), or null.</param>
    /// <param name="l2">L2 weight λ on ½‖w‖², against the loss summed over rows.</param>
    public abstract TextHead Fit(MLContext mlContext, float[] embeddings, int size, float[] labels, int classCount, string[]? classNames, float l2);

    /// <summary>The head's kind in words, for the teacher's description ("logistic-regression").</summary>
    public abstract string Name(int outputs);

    /// <summary>The rows as an ML.NET data view with a known-size <c>Features</c> vector.</summary>
    protected static IDataView InMemory<TRow>(MLContext mlContext, float[] embeddings, int size, IEnumerable<TRow> rows) where TRow : LabelledRow
    {
        var schema = SchemaDefinition.Create(typeof(TRow));
        schema[nameof(LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        int index = 0;
        var filled = rows.Select(row =>
        {
            row.Features = embeddings.AsSpan(index++ * size, size).ToArray();
            return row;
        }).ToList();
        return mlContext.Data.LoadFromEnumerable(filled, schema);
    }

    /// <summary>A row of <see cref="InMemory"/>: an embedding, and the task's label in a subclass.</summary>
    protected abstract class LabelledRow
    {
        public float[] Features = [];
    }
}
