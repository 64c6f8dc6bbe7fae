using System.Globalization;

namespace MLNet.Distillation.Cli;

/// <summary>
/// The verdict of <c>distill train</c>: the distilled student against the same student trained from labels alone (same
/// architecture, epochs, validation rows and early stopping), each trained with several seeds, on the verdict's metric
/// over the test rows. Distillation is said to help only when every distilled seed beats every seed from labels alone;
/// when the two ranges overlap the difference is within seed noise, and said so.
/// </summary>
/// <param name="Metric">The metric compared.</param>
/// <param name="Seeds">The seeds, in training order (the first is <c>--seed</c>, whose students are saved and reported).</param>
/// <param name="Distilled">The distilled student's metric per seed.</param>
/// <param name="FromLabelsAlone">The student from labels alone's metric per seed.</param>
/// <param name="MajorityClass">The majority-class model's metric (classifiers), or null.</param>
/// <param name="MajorityName">How the majority-class model is named, or null.</param>
/// <param name="Rows">Test rows.</param>
internal sealed record StudentComparison(VerdictMetric Metric, IReadOnlyList<int> Seeds, IReadOnlyList<double> Distilled,
    IReadOnlyList<double> FromLabelsAlone, double? MajorityClass, string? MajorityName, long Rows)
{
    /// <summary>The verdict as metrics.json records it.</summary>
    public enum Outcome
    {
        /// <summary>Every distilled seed beat every seed from labels alone.</summary>
        Helped,

        /// <summary>Every seed from labels alone beat every distilled seed.</summary>
        Hurt,

        /// <summary>The two ranges overlap (or one seed only could not tell): no difference beyond seed noise.</summary>
        WithinSeedNoise,
    }

    /// <summary>The mean over seeds of the distilled students' metric.</summary>
    public double DistilledMean => Distilled.Average();

    /// <summary>The mean over seeds of the students' from labels alone.</summary>
    public double FromLabelsAloneMean => FromLabelsAlone.Average();

    /// <summary>The verdict.</summary>
    public Outcome Verdict
    {
        get
        {
            if (Seeds.Count < 2)
                return Outcome.WithinSeedNoise;
            if (Distilled.All(d => FromLabelsAlone.All(b => Metric.Better(d, b))))
                return Outcome.Helped;
            if (FromLabelsAlone.All(b => Distilled.All(d => Metric.Better(b, d))))
                return Outcome.Hurt;
            return Outcome.WithinSeedNoise;
        }
    }

    /// <summary>Whether the distilled students score, on average, no better than always answering the majority class.</summary>
    public bool NoBetterThanMajority => MajorityClass is double majority && !Metric.Better(DistilledMean, majority);

    /// <summary>Whether the distilled students are, on average, worse than those from labels alone.</summary>
    public bool WorseThanLabelsAlone => Metric.Better(FromLabelsAloneMean, DistilledMean);

    /// <summary>
    /// What the verdict must call out, each a sentence: a distilled student that does no better than always answering the
    /// majority class, and one that is slower than its teacher (on <paramref name="evaluation"/>'s single-row latency) and
    /// worse than the student from labels alone, which buys nothing.
    /// </summary>
    public IEnumerable<string> Warnings(DistillationEvaluation evaluation)
    {
        if (NoBetterThanMajority)
            yield return $"the distilled student does no better than {MajorityName} on {Metric.Describe()} " +
                $"({VerdictMetric.Format(DistilledMean)} against {VerdictMetric.Format(MajorityClass!.Value)}): it has not learnt to tell the classes apart.";
        if (evaluation.SpeedUp is < 1 && WorseThanLabelsAlone)
            yield return $"the distilled student is slower than its teacher (p50 {Micro(evaluation.Student.Latency!.P50Microseconds)} µs against " +
                $"{Micro(evaluation.Teacher.Latency!.P50Microseconds)} µs) and worse than the {TrainCommand.BaselineName} ({Metric.Describe()} " +
                $"{VerdictMetric.Format(DistilledMean)} against {VerdictMetric.Format(FromLabelsAloneMean)}): it buys nothing here; keep the teacher, or the student from labels alone.";
    }

    private static string Micro(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>The verdict in words, as the console prints it.</summary>
    public IEnumerable<string> Lines()
    {
        string seeds = Seeds.Count == 1 ? $"seed {Seeds[0]}" : $"{Seeds.Count} seeds ({string.Join(", ", Seeds)})";
        yield return $"Verdict on {Rows.ToString("N0", CultureInfo.InvariantCulture)} test rows, {Metric.Describe()}{(Metric.HigherIsBetter ? "" : ", lower is better")}, " +
            $"over {seeds}; both students with the same validation rows and early stopping:";
        yield return $"  {"distilled student",-30}{Range(Distilled)}";
        yield return $"  {TrainCommand.BaselineName,-30}{Range(FromLabelsAlone)}";
        if (MajorityClass is double majority)
            yield return $"  {MajorityName,-30}{VerdictMetric.Format(majority),8}";
        string difference = (DistilledMean - FromLabelsAloneMean).ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
        yield return Verdict switch
        {
            Outcome.Helped => $"Distillation helped: every distilled seed beat every seed from labels alone ({difference} on average).",
            Outcome.Hurt => $"Distillation did not help: every seed from labels alone beat every distilled seed ({difference} on average).",
            _ when Seeds.Count == 1 => $"No verdict: with one seed the difference ({difference}) cannot be told from seed noise; run with --seeds 3 or more.",
            _ => $"No difference beyond seed noise: the two students' ranges over {Seeds.Count} seeds overlap (mean difference {difference}).",
        };
    }

    /// <summary>The mean and, over several seeds, the range.</summary>
    private static string Range(IReadOnlyList<double> values)
        => $"{VerdictMetric.Format(values.Average()),8}" + (values.Count > 1 ? $"  ({VerdictMetric.Format(values.Min())} to {VerdictMetric.Format(values.Max())})" : "");
}
