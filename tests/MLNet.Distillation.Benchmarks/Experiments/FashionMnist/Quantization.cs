using Microsoft.ML;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// The MLP student (784-64-10, trained from labels alone so the experiment stands on its own) against its int8 versions
/// (<see cref="QuantizationComparison"/>), on the test images.
/// </summary>
internal sealed class Quantization(FashionMnistContext context) : IExperiment
{
    public string Name => "quantization";

    public ExperimentResult Run()
    {
        var ml = context.ML;
        var student = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = context.Settings.MlpEpochs, Seed = 1, Student = FashionMnistContext.Mlp(),
        }).Fit(context.Train);
        var inputs = ml.Data.CreateEnumerable<ImageInput>(context.Test, reuseRowObject: false).Take(500).ToArray();
        Action<int> Engine(ITransformer model)
        {
            var engine = ml.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(model);
            return i => engine.Predict(inputs[i % inputs.Length]);
        }
        Dictionary<string, double> Quality(IDataView scored)
        {
            var m = ml.MulticlassClassification.Evaluate(scored);
            return new() { ["accuracy"] = m.MicroAccuracy, ["log-loss"] = m.LogLoss };
        }
        var rows = QuantizationComparison.Run(ml, student, ml.Data.TakeRows(context.Train, 1000), context.Test, inputs.Select(r => r.Features).ToArray(),
            Engine, Quality, (a, b) => DistillationMetrics.Agreement(a, b), context.Settings.LatencyCalls, context.Log);
        return new QuantizationComparison.Result("Fashion-MNIST", $"{student.Architecture} (from labels, seed 1)", "same label as float", rows);
    }
}
