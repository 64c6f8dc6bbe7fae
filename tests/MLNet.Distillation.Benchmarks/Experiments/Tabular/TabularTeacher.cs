using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace MLNet.Distillation.Benchmarks;

/// <summary>Trains the LightGbm teacher (ML.NET's defaults) on the featurised training rows and measures it on the test rows.</summary>
internal sealed class TabularTeacher(TabularContext context) : IExperiment
{
    public string Name => $"{context.Dataset.ModelDataName}.teacher";

    public ExperimentResult Run()
    {
        var ml = context.ML;
        var clock = Stopwatch.StartNew();
        context.Teacher = context.IsBinary
            ? ml.BinaryClassification.Trainers.LightGbm().Fit(context.Train)
            : ml.Regression.Trainers.LightGbm().Fit(context.Train);
        double seconds = clock.Elapsed.TotalSeconds;
        var quality = context.Quality(context.Teacher.Transform(context.Test), null);
        context.Log($"{context.Dataset.Title} teacher: {quality}");
        return new Result(context.Dataset.Title, context.Rows, context.FeatureCount, seconds, context.SavedBytes(context.Teacher), quality);
    }

    internal sealed record Result(string Dataset, int Rows, int Features, double TrainingSeconds, long SavedBytes, TabularQuality Test) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var inv = CultureInfo.InvariantCulture;
            string figures = Test.Auc is double auc
                ? string.Create(inv, $"AUC {auc:0.0000}, accuracy {Test.Accuracy:P2}, F1 {Test.F1:0.0000}, log-loss {Test.LogLoss:0.0000}")
                : string.Create(inv, $"RMSE {Test.Rmse:N0}, MAE {Test.Mae:N0}, R² {Test.RSquared:0.0000}");
            return string.Create(inv, $"## {Dataset}\n\n{Rows:N0} rows, {Features} features after one-hot encoding, 80/20 train/test split (seed 42). ") +
                string.Create(inv, $"Teacher **LightGbm** (ML.NET defaults): saved model {SavedBytes / 1024.0:N0} KiB, trained in {TrainingSeconds:0.0} s; test {figures}.\n");
        }
    }
}
