// Usage: MLNet.Distillation.TrainingChild <digits.csv> <checkpoint folder>
// Trains CheckpointedRun and prints "epoch N" after each epoch, so a test can kill it part-way.
using Microsoft.ML;
using MLNet.Distillation;
using MLNet.Distillation.TrainingChild;

var ml = new MLContext(seed: 0);
var progress = new Progress(r => Console.WriteLine($"epoch {r.Epoch}"));
ml.MulticlassClassification.Trainers.Distillation(CheckpointedRun.Options(args[1], progress)).Fit(CheckpointedRun.Data(ml, args[0]));
Console.WriteLine("done");

sealed class Progress(Action<EpochReport> report) : IProgress<EpochReport>
{
    public void Report(EpochReport value)
    {
        report(value);
        Console.Out.Flush();
    }
}
