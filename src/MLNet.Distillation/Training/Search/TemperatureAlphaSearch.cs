using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// Trains one student per (temperature, alpha) setting, one per loss recipe given, and one from labels alone on the same training part of the data,
/// scores each on the same held-out part, and ranks them. The data is split once, so every student sees the same rows;
/// the teacher column should be cached (TeacherScore with a <c>CacheDirectory</c>, or the teacher's outputs saved with
/// the data), or every trial scores the teacher again.
/// </summary>
internal static class TemperatureAlphaSearch
{
    public static DistillationSearchResult Run<TOptions>(MLContext ml, IDataView data, TOptions options, DistillationSearchOptions? search,
        Func<TOptions, IEstimator<StudentTransformer>> trainer, HeldOutMetric metric, bool usesTemperature = true)
        where TOptions : DistillationTrainerOptions
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        search ??= new DistillationSearchOptions();
        search.Validate();
        if (options.TeacherColumnName is not { } teacherColumn || data.Schema.GetColumnOrNull(teacherColumn) is null)
            throw new ArgumentException($"The search compares students distilled from the teacher column '{options.TeacherColumnName}' with one from labels alone, " +
                "but the data has no such column: append TeacherScore first (with a CacheDirectory, so the teacher scores the rows once).",
                nameof(data));
        if (options.Losses is not null)
            throw new ArgumentException("The search sets Temperature and Alpha, which weight the default recipe only; leave Options.Losses unset.",
                nameof(options));

        var split = ml.Data.TrainTestSplit(data, search.ValidationFraction, seed: search.Seed);
        // A task whose terms have no temperature (regression, whose trainer refuses one) searches alpha alone and leaves
        // the options' temperature as it is.
        var temperatures = usesTemperature ? search.Temperatures : [options.Temperature];
        var settings = (from t in temperatures from a in search.Alphas select (t, a)).Distinct().ToList();
        if (search.MaximumTrials is int most && most < settings.Count)
        {
            var random = new Random(search.Seed);
            settings = settings.OrderBy(_ => random.Next()).Take(most).OrderBy(s => s.t).ThenBy(s => s.a).ToList();
        }

        var trials = new List<DistillationTrial>();
        var labelsAlone = (TOptions)options.Copy();
        labelsAlone.TeacherColumnName = null;
        labelsAlone.Alpha = 1f;
        trials.Add(Trial(null, 1f, labelsAlone));
        foreach (var (temperature, alpha) in settings)
        {
            var distilled = (TOptions)options.Copy();
            if (usesTemperature)
                distilled.Temperature = temperature;
            distilled.Alpha = alpha;
            trials.Add(Trial(temperature, alpha, distilled));
        }
        foreach (var recipe in search.Recipes ?? [])
        {
            var distilled = (TOptions)options.Copy();
            distilled.Losses = recipe.ToArray();
            var trial = Trial(distilled.Temperature, distilled.Alpha, distilled);
            trials.Add(trial with { Recipe = string.Join(" + ", recipe) });
        }
        // Stable: equal scores keep the order above (labels alone first, then the grid in order).
        return new DistillationSearchResult(trials.OrderByDescending(t => double.IsNaN(t.Score) ? double.NegativeInfinity : t.Score).ToList());

        DistillationTrial Trial(float? temperature, float alpha, TOptions trialOptions)
        {
            var student = trainer(trialOptions).Fit(split.TrainSet);
            return new DistillationTrial(temperature, alpha, metric.Name, metric.Score(student.Transform(split.TestSet)), student);
        }
    }
}
