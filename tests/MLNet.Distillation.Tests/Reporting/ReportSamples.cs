using Microsoft.ML;

namespace MLNet.Distillation.Tests.Reporting;

/// <summary>
/// Inputs for report tests: evaluations built by hand (public records, plausible figures for the UCI tables) and training
/// histories from real, tiny distillation runs (breast cancer with a FastTree teacher; concrete with a FastTree regressor).
/// </summary>
internal static class ReportSamples
{
    private static readonly Lazy<IReadOnlyList<EpochReport>> BinaryRun = new(() =>
    {
        var ml = new MLContext(0);
        var data = Support.TestData.BreastCancer(ml);
        var teacher = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 20).Fit(data);
        var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { NumberOfEpochs = 6, ValidationFraction = 0.2f, Seed = 1 }))
            .Fit(data);
        return model.TrainingHistory();
    });

    private static readonly Lazy<IReadOnlyList<EpochReport>> RegressionRun = new(() =>
    {
        var ml = new MLContext(0);
        var data = Support.TestData.Concrete(ml);
        var teacher = ml.Regression.Trainers.FastTree(numberOfTrees: 20).Fit(data);
        var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
            .Append(ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options { NumberOfEpochs = 5, Seed = 1 }))
            .Fit(data);
        return model.TrainingHistory();
    });

    /// <summary>Six epochs of a binary student (two loss terms, training and validation accuracy).</summary>
    public static IReadOnlyList<EpochReport> BinaryHistory => BinaryRun.Value;

    /// <summary>Five epochs of a regression student (no accuracy).</summary>
    public static IReadOnlyList<EpochReport> RegressionHistory => RegressionRun.Value;

    public static DistillationEvaluation Multiclass(bool speed = true, string[]? classes = null, string teacherName = "teacher", string studentName = "student")
    {
        classes ??= ["class_1", "class_2", "class_3"];
        ModelEvaluation Model(string name, double accuracy, long parameters, long bytes, double p50, double ece, double shift) => new(
            name,
            [new("MicroAccuracy", accuracy, true), new("MacroAccuracy", accuracy - 0.01, true), new("LogLoss", 0.12 + shift, false), new("LogLossReduction", 0.89 - shift, true), new("MacroF1", accuracy - 0.012, true)],
            parameters, bytes,
            speed ? new LatencyStatistics(p50, p50 * 1.4, p50 * 1.1, 2000) : null,
            speed ? 1e6 / p50 * 4 : null,
            new CalibrationSummary(ece, Bins(ece, shift)),
            classes.Select((c, i) => new ClassAccuracy(c, 18 + i * 3, Math.Min(1, accuracy + 0.02 - 0.05 * i * (1 + 10 * shift)))).ToList());
        return new DistillationEvaluation(DistillationTask.MulticlassClassification, 54,
            Model(teacherName, 0.963, 120_000, 2_400_000, 310, 0.031, 0.0),
            Model(studentName, 0.944, 1_027, 9_800, 21, 0.048, 0.02),
            new TeacherAgreement(0.962, 0.041, null));
    }

    public static DistillationEvaluation Binary(bool speed = true)
    {
        ModelEvaluation Model(string name, double accuracy, long? parameters, long bytes, double p50, double ece) => new(
            name,
            [new("Accuracy", accuracy, true), new("AreaUnderRocCurve", accuracy + 0.02, true), new("F1Score", accuracy - 0.02, true), new("LogLoss", 0.2, false)],
            parameters, bytes,
            speed ? new LatencyStatistics(p50, p50 * 1.3, p50 * 1.05, 2000) : null,
            speed ? 1e6 / p50 * 3 : null,
            new CalibrationSummary(ece, Bins(ece, 0.01)),
            [new ClassAccuracy("False", 107, accuracy + 0.01), new ClassAccuracy("True", 64, accuracy - 0.02)]);
        return new DistillationEvaluation(DistillationTask.BinaryClassification, 171,
            Model("FastTree teacher", 0.959, null, 86_000, 45, 0.02),
            Model("student", 0.953, 1_057, 12_500, 12, 0.035),
            new TeacherAgreement(0.977, 0.018, null));
    }

    public static DistillationEvaluation Regression(bool speed = true)
    {
        ModelEvaluation Model(string name, double rmse, long? parameters, long bytes, double p50) => new(
            name,
            [new("RootMeanSquaredError", rmse, false), new("MeanAbsoluteError", rmse * 0.7, false), new("RSquared", 1 - rmse * rmse / 280, true)],
            parameters, bytes,
            speed ? new LatencyStatistics(p50, p50 * 1.3, p50 * 1.05, 2000) : null,
            speed ? 1e6 / p50 * 3 : null,
            null, []);
        return new DistillationEvaluation(DistillationTask.Regression, 309,
            Model("LightGbm teacher", 4.6, null, 410_000, 60),
            Model("student", 5.3, 1_153, 13_000, 14),
            new TeacherAgreement(null, null, 3.1));
    }

    /// <summary>Another model of the same task in the student's format (e.g. the student trained from labels alone).</summary>
    public static ModelEvaluation Other(DistillationEvaluation evaluation, string name, double factor = 0.97)
        => evaluation.Student with
        {
            Name = name,
            Metrics = evaluation.Student.Metrics.Select(m => m with { Value = m.HigherIsBetter ? m.Value * factor : m.Value / factor }).ToList(),
            SerializedBytes = evaluation.Student.SerializedBytes * 2,
            Latency = evaluation.Student.Latency is { } l ? l with { P50Microseconds = l.P50Microseconds * 1.5 } : null,
        };

    /// <summary>Ten equal-width bins above 1/3 confidence, the low ones empty, accuracy under confidence by <paramref name="ece"/>.</summary>
    private static List<ReliabilityBin> Bins(double ece, double shift)
        => Enumerable.Range(0, 10).Select(b =>
        {
            double lower = b / 10.0, upper = (b + 1) / 10.0;
            if (upper <= 0.4)
                return new ReliabilityBin(lower, upper, 0, 0, 0);
            double confidence = lower + 0.06;
            return new ReliabilityBin(lower, upper, 3 + b * b, Math.Clamp(confidence - ece * (1 + (b % 3)) - shift, 0, 1), confidence);
        }).ToList();
}
