using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Classifiers: a teacher column whose values are plainly probabilities, about to be read as logits. With several outputs
/// per row, every row's values lie in [0, 1] and sum to 1 (within 10⁻³); with one, every value lies in [0, 1]. Over at least
/// <see cref="TeacherLabelCheck.MinimumRows"/> rows that is certain for a softmax or a probability output, and all but
/// impossible for logits: logits summing to 1 on every row never happen, and a binary teacher whose logits all lie in
/// [0, 1] calls every row positive with at most 73 % confidence. Read as logits, probabilities teach squashed targets
/// (softmax of values in [0, 1] is nearly uniform; σ of them lies in [0.5, 0.73]).
/// <para>
/// What follows depends on what the teacher said about its output (<see cref="TeacherScoredDataView.OutputKindAnnotation"/>):
/// an ONNX teacher that left <see cref="OnnxTeacherOptions.OutputKind"/> unset is refused, and told which option to set;
/// a teacher that stated logits, or a column that did not come from TeacherScore, trains with a warning.
/// </para>
/// </summary>
/// <param name="teacherColumn">The teacher column, for messages.</param>
/// <param name="labelColumn">The label column, for messages.</param>
/// <param name="classes">Values per row (1: a binary teacher's logit).</param>
/// <param name="unstated">Whether the teacher left what its output holds unstated (refuse rather than warn).</param>
/// <param name="fromTeacherScore">Whether the column was written by TeacherScore (the remedy is then an option).</param>
internal sealed class ProbabilityOutputsCheck(string teacherColumn, string labelColumn, int classes, bool unstated, bool fromTeacherScore)
    : TeacherLabelCheck
{
    /// <summary>How far a row's sum may be from 1 (float softmax outputs are within 10⁻⁶).</summary>
    public const double SumTolerance = 1e-3;

    private long _rows, _probabilityRows;
    // Binary, on labelled rows: agreement with the label read as a probability (above 0.5) and as a logit (above 0).
    private long _labelled, _agreeAsProbability, _agreeAsLogit;

    /// <summary>The check for the teacher column <paramref name="teacher"/>, from what its annotations say.</summary>
    public static ProbabilityOutputsCheck For(Microsoft.ML.DataViewSchema.Column teacher, string labelColumn, int classes)
        => new(teacher.Name, labelColumn, classes, TeacherScoredDataView.OutputKindUnstated(teacher),
            TeacherScoredDataView.FromTeacherScore(teacher));

    public override void Add(TrainingTable table, ReadOnlySpan<int> rows)
    {
        if (table.TeacherLogits is not { } logits)
            return;
        var labels = table.Labels.AsSpan();
        foreach (int r in rows)
            Add(logits.Row(r)[..classes], labels[r]);
    }

    /// <summary>Counts one row: its teacher values and its label (class index, 0/1, or NaN for none).</summary>
    public void Add(ReadOnlySpan<float> values, float label)
    {
        _rows++;
        if (!LooksLikeProbabilities(values))
            return;
        _probabilityRows++;
        if (classes == 1 && !float.IsNaN(label))
        {
            _labelled++;
            if ((values[0] > 0.5f) == (label > 0.5f)) _agreeAsProbability++;
            if ((values[0] > 0) == (label > 0.5f)) _agreeAsLogit++;
        }
    }

    private static bool LooksLikeProbabilities(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            if (!(v >= 0 && v <= 1))
                return false;
            sum += v;
        }
        return values.Length == 1 || Math.Abs(sum - 1) <= SumTolerance;
    }

    public override void Verify(Action<string> warn)
    {
        if (_rows < MinimumRows || _probabilityRows != _rows)
            return;
        string evidence = classes == 1
            ? string.Create(CultureInfo.InvariantCulture, $"all {_rows:N0} of its values lie in [0, 1]") +
              (_labelled == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
                  $"; read as probabilities (above 0.5: true) it agrees with label '{labelColumn}' on {(double)_agreeAsProbability / _labelled:P1} of the labelled rows, " +
                  $"read as logits (above 0) it calls every row true and agrees on {(double)_agreeAsLogit / _labelled:P1}"))
            : string.Create(CultureInfo.InvariantCulture, $"each of its {_rows:N0} rows of {classes} values lies in [0, 1] and sums to 1");
        string squashed = classes == 1 ? "σ of a probability lies in [0.5, 0.73]: every soft target would say 'true', unsure"
            : "softmax of values in [0, 1] is nearly uniform: the soft targets would say almost nothing";
        if (unstated)
            throw new ArgumentOutOfRangeException(nameof(teacherColumn), $"Teacher column '{teacherColumn}' holds probabilities, not logits: {evidence}. " +
                $"Its ONNX teacher's OnnxTeacherOptions.OutputKind is not set, so they would be read as logits, and {squashed}. " +
                $"Set OnnxTeacherOptions.OutputKind = TeacherOutputKind.Probabilities (they become {(classes == 1 ? "the logit log(p / (1 − p))" : "log-probabilities")}), " +
                "or TeacherOutputKind.Logits if these really are logits.");
        warn($"Teacher column '{teacherColumn}' is read as logits, but it looks like probabilities: {evidence}. If they are probabilities, {squashed}: " +
            (fromTeacherScore
                ? "set OnnxTeacherOptions.OutputKind = TeacherOutputKind.Probabilities (or outputKind: TeacherOutputKind.Probabilities for an ML.NET model)."
                : $"give {(classes == 1 ? "their logits log(p / (1 − p))" : "their logarithms (log-probabilities)")} instead."));
    }
}
