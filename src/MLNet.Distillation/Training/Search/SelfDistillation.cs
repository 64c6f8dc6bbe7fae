using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// Born-again networks (Furlanello et al. 2018): a student trained from labels alone (generation 0), then each
/// generation trained with the same architecture and options from the previous one as its teacher (or, with
/// <c>ensembleTeacher</c>, from the mean logits of every earlier generation: the ensemble the paper also tried). All generations
/// train on the same training part of the data and are scored on the same held-out part. Each teacher scores the
/// training rows once (the scored rows are cached in memory for its generation's Fit).
/// </summary>
internal static class SelfDistillation
{
    public const string TeacherColumn = "SelfDistillationTeacher";

    public static SelfDistillationResult Run<TOptions>(MLContext ml, IDataView data, TOptions options, int generations, double validationFraction,
        int seed, Func<TOptions, IEstimator<StudentTransformer>> trainer, HeldOutMetric metric, bool ensembleTeacher = false)
        where TOptions : DistillationTrainerOptions
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (generations < 1)
            throw new ArgumentOutOfRangeException(nameof(generations), $"Self-distillation needs at least one generation after the student from labels alone, not {generations}.");
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction),
                $"The validation fraction must be in (0, 1), not {validationFraction}.");
        if (data.Schema.GetColumnOrNull(TeacherColumn) is not null)
            throw new ArgumentException($"The data already has a column '{TeacherColumn}', which self-distillation writes each generation's teacher outputs to.", nameof(data));

        var split = ml.Data.TrainTestSplit(data, validationFraction, seed: seed);
        var first = (TOptions)options.Copy();
        first.TeacherColumnName = null;
        var student = trainer(first).Fit(split.TrainSet);
        var result = new List<SelfDistillationGeneration> { new(0, metric.Name, metric.Score(student.Transform(split.TestSet)), student) };
        for (int generation = 1; generation <= generations; generation++)
        {
            var next = (TOptions)options.Copy();
            next.TeacherColumnName = TeacherColumn;
            using var teacher = ensembleTeacher && generation > 1
                ? Teacher.Ensemble(result.Select(g => (Teacher.FromStudent(g.Student), 1f)))
                : Teacher.FromStudent(student);
            var scored = ml.Data.Cache(ml.Transforms.TeacherScore(teacher, TeacherColumn).Fit(split.TrainSet).Transform(split.TrainSet));
            student = trainer(next).Fit(scored);
            result.Add(new SelfDistillationGeneration(generation, metric.Name, metric.Score(student.Transform(split.TestSet)), student));
        }
        return new SelfDistillationResult(result);
    }
}
