using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// The binary soft-target term (<c>soft-bce</c>) is a cross-entropy against the teacher's softened probabilities: it is
/// the KL divergence from the teacher plus the teacher's own entropy, T² · H(σ(z_t / T)), a constant the student cannot
/// lower. Shown as it is, the loss curve looks flat far above 0 ("final loss 7.94" beside 0.08 from labels alone). The
/// command line shows the KL part instead: each epoch's term is a mean over the training rows, so subtracting the mean
/// entropy over those same rows leaves exactly the part that training reduces and that can reach 0. (Multiclass
/// <c>kd</c> is a KL divergence already; the regression terms reach 0 too.)
/// </summary>
internal sealed class SoftTargetEntropy
{
    /// <summary>The name the KL part goes by in the history the console and the report show.</summary>
    public const string KLPartName = "soft-bce, KL part (teacher entropy removed)";

    private readonly double _entropy;
    private readonly double _weight;

    private SoftTargetEntropy(double entropy, double weight)
    {
        _entropy = entropy;
        _weight = weight;
    }

    /// <summary>T² times the teacher's mean binary entropy at temperature T over the rows the student trains on.</summary>
    public double Entropy => _entropy;

    /// <summary>
    /// The constant for a binary student trained on <paramref name="scoredTrain"/> (its <c>TeacherLogits</c> column) with the
    /// default recipe at <paramref name="options"/>' temperature and alpha; null for other tasks, which need no adjustment.
    /// </summary>
    public static SoftTargetEntropy? For(CliTask task, IDataView scoredTrain, DistillationTrainerOptions options)
    {
        if (!task.ShowsSoftTargetKLPart || options.TeacherColumnName is null || options.Losses is not null)
            return null;
        double t = options.Temperature, sum = 0;
        long rows = 0;
        var column = scoredTrain.Schema[options.TeacherColumnName];
        using var cursor = scoredTrain.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> logits = default;
        while (cursor.MoveNext())
        {
            getter(ref logits);
            double p = 1 / (1 + Math.Exp(-logits.GetItemOrDefault(0) / t));
            sum += BinaryEntropy(p);
            rows++;
        }
        return new SoftTargetEntropy(rows == 0 ? 0 : t * t * sum / rows, 1 - options.Alpha);
    }

    /// <summary>The epoch with the soft-target term's KL part in place of the term, and the total lowered by its weight times the constant.</summary>
    public EpochReport KLPart(EpochReport report)
    {
        if (!report.LossTerms.TryGetValue(LossNames.SoftBinaryCrossEntropy, out double term))
            return report;
        var terms = report.LossTerms.ToDictionary(t => t.Key == LossNames.SoftBinaryCrossEntropy ? KLPartName : t.Key,
            t => t.Key == LossNames.SoftBinaryCrossEntropy ? term - _entropy : t.Value);
        return report with { LossTerms = terms, TotalLoss = report.TotalLoss - _weight * _entropy };
    }

    /// <summary>Binary entropy in nats (0 at p = 0 or 1).</summary>
    private static double BinaryEntropy(double p)
        => (p <= 0 ? 0 : -p * Math.Log(p)) + (p >= 1 ? 0 : -(1 - p) * Math.Log(1 - p));
}
