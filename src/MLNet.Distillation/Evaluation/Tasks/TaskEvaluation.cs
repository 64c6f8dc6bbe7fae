using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// What evaluation does differently per task: reading a model's predictions (<see cref="ScoredModel"/>) from a teacher's
/// logits or from the standard columns ML.NET's trainers write for the task, and computing the task's standard metrics
/// with ML.NET's own evaluator. The task object hands it out (<see cref="TrainingTask.Evaluation"/>), so evaluation never
/// switches on the task itself.
/// </summary>
internal abstract class TaskEvaluation
{
    /// <summary>Whether a label column of <paramref name="type"/> is this task's label (evaluation infers the task from the label's type).</summary>
    public abstract bool ReadsLabel(DataViewType type);

    /// <summary>Reads every row's label from <paramref name="cursor"/> (over <paramref name="column"/>), in the task's terms.</summary>
    public abstract EvaluationLabels ReadLabels(DataViewRowCursor cursor, DataViewSchema.Column column);

    /// <summary>
    /// The class probabilities of one row of <paramref name="probabilities"/> (a model's <see cref="ModelOutputs.Probabilities"/>),
    /// using <paramref name="binary"/> as room where the task keeps fewer per row; empty for a task without classes.
    /// </summary>
    public virtual ReadOnlySpan<float> Distribution(float[] probabilities, int row, EvaluationLabels labels, Span<float> binary) => [];

    /// <summary>The logits a teacher writes per row for <paramref name="labels"/>: one per class, or one.</summary>
    public virtual int LogitsPerRow(EvaluationLabels labels) => 1;

    /// <summary>The outputs that <paramref name="logits"/> (<see cref="LogitsPerRow"/> per row, row after row) stand for.</summary>
    public abstract ModelOutputs FromLogits(float[] logits, EvaluationLabels labels);

    /// <summary>
    /// Reads <paramref name="score"/> and, where the task has them, <c>Probability</c> and <c>PredictedLabel</c> from
    /// <paramref name="scored"/>, checking their types and that there is one row per labelled row.
    /// </summary>
    public abstract ModelOutputs ReadStandardColumns(IDataView scored, DataViewSchema.Column score, EvaluationLabels labels, string name);

    /// <summary>
    /// The task's standard metrics from ML.NET's own evaluator, run on the labelled <paramref name="rows"/> (rows whose label
    /// is missing are left out, as ML.NET's evaluators do) and the model's predictions as the task's standard columns.
    /// </summary>
    public abstract StandardMetrics Metrics(MLContext ml, EvaluationLabels labels, ModelOutputs outputs, int[] rows);

    /// <summary>Throws, naming the model, when it scores more rows than there are labelled rows.</summary>
    internal static void CheckRow(int row, EvaluationLabels labels, string name)
    {
        if (row >= labels.Rows)
            throw new ArgumentException($"The {name} scores more rows than the {labels.Rows} labelled evaluation rows; both models must keep every row.");
    }

    /// <summary>Throws, naming the model, when it scored another number of rows than there are labelled rows.</summary>
    internal static void CheckCount(int rows, EvaluationLabels labels, string name)
    {
        if (rows != labels.Rows)
            throw new ArgumentException(
                $"The {name} scores {rows} rows, but the evaluation data has {labels.Rows}; both models must keep every row.");
    }

    /// <summary>Every row's value of <paramref name="column"/> from <paramref name="cursor"/>, as <paramref name="label"/> reads it.</summary>
    protected static float[] ReadAll<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, float> label)
    {
        var getter = cursor.GetGetter<T>(column);
        var values = new List<float>();
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(label(value));
        }
        return values.ToArray();
    }

    /// <summary>Throws unless <paramref name="score"/> holds one Single per row (binary and regression scores).</summary>
    protected static void RequireSingle(DataViewSchema.Column score, string name)
    {
        if (score.Type != NumberDataViewType.Single)
            throw new ArgumentException($"The {name}'s '{DefaultColumnNames.Score}' column is {score.Type}; a binary or regression model writes a Single score.");
    }
}
