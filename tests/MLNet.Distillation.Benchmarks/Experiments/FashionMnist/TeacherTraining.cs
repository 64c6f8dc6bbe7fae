namespace MLNet.Distillation.Benchmarks;

/// <summary>Trains the conv32-conv64-dense256 CNN teacher from labels.</summary>
internal sealed class TeacherTraining(FashionMnistContext context) : IExperiment
{
    public string Name => "teacher";

    public ExperimentResult Run()
    {
        var (ml, settings) = (context.ML, context.Settings);
        var teacher = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null,
            Student = new CnnStudent { InputShape = [1, 28, 28], ConvChannels = [32, 64], DenseLayers = [256], Dropout = 0.25f },
            NumberOfEpochs = settings.TeacherEpochs,
            BatchSize = 128,
            Seed = 100,
            Progress = new ProgressLog(r => context.Log($"teacher {r}")),
        }).Fit(context.Train);
        context.Teacher = teacher;
        context.TeacherTest = teacher.Transform(context.Test);
        context.LatencyModels.Add(($"teacher {teacher.Architecture}", teacher));
        var quality = ModelQuality.Of(ml, context.TeacherTest, null);
        context.Log($"teacher accuracy {quality.Accuracy:P2}");
        return new Result(teacher.Architecture, teacher.ParameterCount, settings.TeacherEpochs, quality,
            teacher.Profile.Training.TotalSeconds, teacher.Profile.SamplesPerSecond);
    }

    internal sealed record Result(string Architecture, long Parameters, int Epochs, ModelQuality Test, double TrainingSeconds, double SamplesPerSecond) : ExperimentResult
    {
        public override string ToMarkdown() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Teacher **{Architecture}**: {Parameters:N0} parameters, {Epochs} epochs, test accuracy **{Test.Accuracy * 100:0.00} %**, " +
            $"macro-F1 {Test.MacroF1 * 100:0.00} %, ECE {Test.ExpectedCalibrationError:0.0000}, trained at {SamplesPerSecond:N0} samples/s.\n");
    }
}
