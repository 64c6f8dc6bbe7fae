using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// A large text transfer set trains without densifying: the training reviews augmented <c>multiplier</c> times
/// (about 100,000 rows at 25), labelled by FeaturizeText + SDCA (fast, so that the transformer's scoring time does not
/// dominate), then the default MLP student over FeaturizeText's sparse vector. Reports the rows, the vector's width and
/// non-zeros, what the dense table would take, the student's Fit time and its peak working set above the level before it.
/// </summary>
internal sealed class TextScale(TextTask task, int multiplier) : IExperiment
{
    public string Name => $"{task.Name}.scale";

    public ExperimentResult Run()
    {
        var ml = new MLContext(0);
        var tfidf = ml.Transforms.Text.FeaturizeText("Features", "Text");
        var features = tfidf.Fit(task.Train);
        IEstimator<ITransformer> sdca = task.Binary ? ml.BinaryClassification.Trainers.SdcaLogisticRegression() : ml.MulticlassClassification.Trainers.SdcaMaximumEntropy();
        using var teacher = Teacher.FromTransformer(features.Append(sdca.Fit(features.Transform(task.Train))));
        var augmented = ml.Distillation.AugmentText(task.Train, new TextAugmentationOptions { Multiplier = multiplier, Seed = 1, MaximumRows = 1_000_000 });
        var table = ml.Data.Cache(features.Transform(ml.Transforms.TeacherScore(teacher).Fit(augmented).Transform(augmented)));
        long rows = 0, nonZeros = 0;
        int width = 0;
        using (var cursor = table.GetRowCursor(table.Schema))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(table.Schema["Features"]);
            VBuffer<float> row = default;
            while (cursor.MoveNext())
            {
                getter(ref row);
                rows++;
                nonZeros += row.GetValues().Length;
                width = row.Length;
            }
        }
        var (student, cost) = FitCost.Measure<StudentTransformer>(() => task.Binary
            ? ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { Student = new MlpStudent(), Seed = 1 }).Fit(table)
            : ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Student = new MlpStudent(), Seed = 1 }).Fit(table));
        var model = new TransformerChain<ITransformer>(features, student);
        double quality = task.Binary
            ? ml.BinaryClassification.Evaluate(model.Transform(task.Test)).AreaUnderRocCurve
            : ml.MulticlassClassification.Evaluate(model.Transform(task.Test)).MicroAccuracy;
        return new TextScaleResult(task.Name, multiplier, rows, width, nonZeros, rows * (double)width * sizeof(float) / 1e9,
            cost.Seconds, student.TrainingHistory.Count, cost.PeakMegabytes, student.ParameterCount, quality);
    }
}

internal sealed record TextScaleResult(string Task, int Multiplier, long Rows, int Width, long NonZeros, double DenseGigabytes, double FitSeconds, int Epochs,
    double FitPeakMegabytes, long Parameters, double TestQuality) : ExperimentResult
{
    public override string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"### {Task}: a large augmented transfer set (×{Multiplier}), default MLP student over FeaturizeText\n\n" +
        $"| rows | width | non-zeros per row | dense table would be | Fit s | epochs | Fit peak MB | parameters | test quality |\n|---|---|---|---|---|---|---|---|---|\n" +
        $"| {Rows:N0} | {Width:N0} | {NonZeros / (double)Math.Max(1, Rows):F0} | {DenseGigabytes:F1} GB | {FitSeconds:F1} | {Epochs} | {FitPeakMegabytes:N0} | {Parameters:N0} | {TestQuality:F4} |\n");
}
