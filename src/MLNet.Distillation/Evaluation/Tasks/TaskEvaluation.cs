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
            throw new ArgumentException($"The {name} scores {rows} rows, but the evaluation data has {labels.Rows}; both models must keep every row.");
    }

    /// <summary>Throws unless <paramref name="score"/> holds one Single per row (binary and regression scores).</summary>
    protected static void RequireSingle(DataViewSchema.Column score, string name)
    {
        if (score.Type != NumberDataViewType.Single)
            throw new ArgumentException($"The {name}'s '{DefaultColumnNames.Score}' column is {score.Type}; a binary or regression model writes a Single score.");
    }
}
