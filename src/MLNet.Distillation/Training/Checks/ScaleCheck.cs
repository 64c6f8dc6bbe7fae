using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Regression: a teacher that predicts the label on another scale or offset (trained on the label × 10, in other units,
/// on a log or a standardised target). The trainer standardises the label and the teacher's predictions by the label's
/// mean and spread, so such a teacher's targets sit far from the label's, and the student learns a mix of two scales
/// (40× worse than either, silently). Judged on the labelled rows, when the teacher tracks the label at all (Pearson's r
/// or Spearman's rank correlation ≥ <see cref="MinimumCorrelation"/>; a negative one is <see cref="CorrelationCheck"/>'s):
/// <list type="bullet">
/// <item>the least-squares fit label ≈ b · teacher + a. A teacher in the label's units that predicts its mean has b = 1
/// whatever its strength (noise in the teacher only lowers b); a teacher on a k-times scale has b = 1/k;</item>
/// <item>the ratio of spreads s = sd(teacher) / sd(label): k for a k-times scale, at most a little above 1 otherwise
/// (a weak teacher's spread is smaller than the label's; a noisy one's larger by its noise);</item>
/// <item>the offset d = (mean teacher − mean label) / sd(label).</item>
/// </list>
/// Another scale needs both figures to agree (b ≤ 1/3 with s ≥ 3, or b ≥ 3 with s ≤ 1/3), or an offset of 3 label
/// standard deviations: the Fit stops. Half that (b ≤ 1/2 with s ≥ 2, b ≥ 2 with s ≤ 1/2, or |d| ≥ 1) could be intended (a
/// biased or shrunk teacher) and is a warning. Spearman's rank correlation is computed on a seeded sample of at most
/// <see cref="SampleSize"/> labelled rows (memory stays flat when streaming).
/// </summary>
internal sealed class ScaleCheck(string teacherColumn, string labelColumn) : TeacherLabelCheck
{
    /// <summary>The teacher must correlate at least this well with the label (Pearson or rank) for its scale to be judged.</summary>
    public const double MinimumCorrelation = 0.3;

    /// <summary>The most labelled rows kept for the rank correlation (a uniform sample of them).</summary>
    public const int SampleSize = 10_000;

    private readonly PairedMoments _moments = new();
    private readonly List<(float Teacher, float Label)> _sample = [];
    private readonly Random _random = new(20_170_318);

    public override void Add(TrainingTable table, ReadOnlySpan<int> rows)
    {
        if (table.TeacherLogits is not { } teacher)
            return;
        var labels = table.Labels.AsSpan();
        foreach (int r in rows)
        {
            float label = labels[r], prediction = teacher.Row(r)[0];
            if (float.IsNaN(label)) continue;
            _moments.Add(prediction, label);
            // Reservoir sampling: every labelled row is kept with the same probability.
            if (_sample.Count < SampleSize)
                _sample.Add((prediction, label));
            else if (_random.NextInt64(_moments.Count) is var slot && slot < SampleSize)
                _sample[(int)slot] = (prediction, label);
        }
    }

    public override void Verify(Action<string> warn)
    {
        long n = _moments.Count;
        if (n < MinimumRows)
            return;
        double cov = _moments.CoSum, vt = _moments.TeacherSquares, vy = _moments.LabelSquares;
        if (vt <= 0 || vy <= 0)
            return;
        double r = cov / Math.Sqrt(vt * vy), rho = RankCorrelation(_sample);
        if (Math.Max(r, rho) < MinimumCorrelation)
            return;
        double meanT = _moments.TeacherMean, meanY = _moments.LabelMean, sdT = Math.Sqrt(vt / n), sdY = Math.Sqrt(vy / n);
        double slope = cov / vt, intercept = meanY - slope * meanT, spread = sdT / sdY, offset = (meanT - meanY) / sdY;
        bool refuse = (slope <= 1.0 / 3 && spread >= 3) || (slope >= 3 && spread <= 1.0 / 3) || Math.Abs(offset) >= 3;
        bool doubtful = (slope <= 0.5 && spread >= 2) || (slope >= 2 && spread <= 0.5) || Math.Abs(offset) >= 1;
        if (!refuse && !doubtful)
            return;
        string figures = string.Create(CultureInfo.InvariantCulture,
            $"over {n:N0} labelled rows, least squares gives label ≈ {Number(slope)} × teacher {(intercept < 0 ? "−" : "+")} {Number(Math.Abs(intercept))} " +
            $"(1 × teacher + 0 for a teacher in the label's units); the teacher's spread is {Number(spread)}× the label's " +
            $"(standard deviations {Number(sdT)} and {Number(sdY)}); its mean is {Number(meanT)} against the label's {Number(meanY)} ({Number(offset)} label standard deviations off); " +
            $"correlation {r:0.00}, rank correlation {rho:0.00}");
        if (refuse)
            throw new ArgumentOutOfRangeException(nameof(teacherColumn), $"Teacher column '{teacherColumn}' predicts label '{labelColumn}' on another scale: {figures}. " +
                "It follows the label but in other units (a teacher trained on the label times a factor, in other units, on a log or a standardised target), " +
                "and the student would learn a mix of two scales. Give the teacher's predictions in the label's units (transform the teacher column back, " +
                "or train the teacher on this label), or the label in the teacher's.");
        warn($"Teacher column '{teacherColumn}' may predict label '{labelColumn}' on another scale or offset: {figures}. " +
            "If the teacher was trained on another scale or another population, the student learns a mix of both; give the teacher's predictions in the label's units.");
    }

    internal static string Number(double value) => Math.Abs(value) is >= 1e4 or (< 1e-3 and > 0)
        ? value.ToString("0.###e+0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Spearman's rank correlation: Pearson's r of the ranks (ties get their mean rank); 0 when either side is constant.</summary>
    internal static double RankCorrelation(IReadOnlyList<(float Teacher, float Label)> pairs)
    {
        var t = Ranks(pairs.Select(p => p.Teacher).ToArray());
        var y = Ranks(pairs.Select(p => p.Label).ToArray());
        double mt = t.Average(), my = y.Average(), cov = 0, vt = 0, vy = 0;
        for (int i = 0; i < t.Length; i++)
        {
            cov += (t[i] - mt) * (y[i] - my);
            vt += (t[i] - mt) * (t[i] - mt);
            vy += (y[i] - my) * (y[i] - my);
        }
        return vt > 0 && vy > 0 ? cov / Math.Sqrt(vt * vy) : 0;
    }

    private static double[] Ranks(float[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double mean = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) ranks[order[i]] = mean;
            start = end + 1;
        }
        return ranks;
    }
}
