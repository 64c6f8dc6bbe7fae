using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace MLNet.Distillation.Benchmarks;

/// <summary>One student recipe over every seed: from labels (no temperature) or distilled from the context's teacher.</summary>
internal static class StudentRuns
{
    public static (StudentRecipeResult Result, StudentTransformer First) Run(FashionMnistContext context, string name, Func<StudentArchitecture> architecture,
        int epochs, string recipe, float? temperature, float alpha, IDataView data, int labelledRows, IReadOnlyList<LossTerm>? losses = null,
        IReadOnlyDictionary<string, string>? intermediates = null)
    {
        var ml = context.ML;
        var runs = new List<(StudentTransformer Student, ModelQuality Quality)>();
        foreach (int seed in context.Settings.Seeds)
        {
            var options = new DistillationMulticlassTrainer.Options
            {
                TeacherColumnName = temperature is null ? null : DefaultColumnNames.TeacherLogits,
                Temperature = temperature ?? 4f,
                Alpha = losses is null ? alpha : new DistillationMulticlassTrainer.Options().Alpha,
                Losses = losses,
                Student = architecture(),
                NumberOfEpochs = epochs,
                BatchSize = 128,
                Seed = seed,
            };
            StudentTransformer student;
            if (temperature is null)
                student = ml.MulticlassClassification.Trainers.Distillation(options).Fit(data);
            else
            {
                using var teacher = Teacher.FromStudent(context.Teacher);
                student = ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
                {
                    Teacher = teacher, CacheDirectory = context.CacheFolder, IntermediateOutputs = intermediates,
                })
                    .Append(ml.MulticlassClassification.Trainers.Distillation(options)).Fit(data).LastTransformer;
            }
            var quality = ModelQuality.Of(ml, student.Transform(context.Test), context.TeacherTest);
            runs.Add((student, quality));
            context.Log($"{name}, {recipe}, seed {seed}: accuracy {quality.Accuracy:P2}, agreement {quality.AgreementWithTeacher:P2}, " +
                $"{student.Profile.SamplesPerSecond:N0} samples/s, load {student.Profile.DataLoading.TotalSeconds:0.00}s, torch share {student.Profile.TorchShare:P1}");
        }
        return (new StudentRecipeResult(name, recipe, runs[0].Student.ParameterCount, epochs, labelledRows, (int)(data.GetRowCount() ?? 0),
            MeanStd.Of(runs.Select(r => r.Quality.Accuracy)), MeanStd.Of(runs.Select(r => r.Quality.MacroF1)),
            MeanStd.Of(runs.Select(r => r.Quality.ExpectedCalibrationError)), MeanStd.Of(runs.Select(r => r.Quality.AgreementWithTeacher!.Value)),
            runs.Average(r => r.Student.Profile.SamplesPerSecond),
            runs.Average(r => r.Student.Profile.DataLoading.TotalSeconds / (r.Student.Profile.Training.TotalSeconds / epochs)),
            runs.Average(r => r.Student.Profile.TorchShare)), runs[0].Student);
    }
}

/// <summary>One recipe's figures, mean ± std over seeds.</summary>
internal sealed record StudentRecipeResult(
    string Student,
    string Recipe,
    long Parameters,
    int Epochs,
    int LabelledRows,
    int TrainingRows,
    MeanStd Accuracy,
    MeanStd MacroF1,
    MeanStd ExpectedCalibrationError,
    MeanStd? AgreementWithTeacher,
    double SamplesPerSecond,
    double DataLoadingShareOfEpoch,
    double TorchShareOfTraining)
{
    /// <summary>The students' table, with a line on how the figures were taken.</summary>
    public static string Table(IReadOnlyList<StudentRecipeResult> rows, string caption)
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(caption);
        s.AppendLine();
        s.AppendLine("| student | recipe | params | labelled rows | accuracy % | macro-F1 % | agreement with teacher % | ECE | train samples/s | data loading / epoch | time in TorchSharp |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            s.AppendLine(inv, $"| {r.Student} | {r.Recipe} | {r.Parameters:N0} | {r.LabelledRows:N0} / {r.TrainingRows:N0} | {r.Accuracy.Percent} | {r.MacroF1.Percent} | " +
                $"{r.AgreementWithTeacher?.Percent ?? "–"} | {r.ExpectedCalibrationError.Mean:0.0000} | {r.SamplesPerSecond:N0} | {r.DataLoadingShareOfEpoch * 100:0.0} % | {r.TorchShareOfTraining * 100:0.0} % |");
        s.AppendLine();
        s.AppendLine(inv, $"Mean ± sample std over {(rows.Count > 0 ? rows[0].Accuracy.Values.Length : 0)} seeds; figures from the final epoch (no early stopping).");
        return s.ToString();
    }
}
