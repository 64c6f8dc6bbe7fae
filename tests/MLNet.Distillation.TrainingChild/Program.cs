// Usage: MLNet.Distillation.TrainingChild <digits.csv> <checkpoint folder>
// Trains CheckpointedRun and prints "epoch N" after each epoch, so a test can kill it part-way.
// Or: MLNet.Distillation.TrainingChild --score <model.zip> <texts.txt> <scores.txt>: a saved text model scored in a fresh process.
using Microsoft.ML;
using MLNet.Distillation;
using MLNet.Distillation.TrainingChild;

if (args.Length == 4 && args[0] == ScoreSavedModel.Flag)
    return ScoreSavedModel.Run(args[1], args[2], args[3]);

var ml = new MLContext(seed: 0);
var progress = new Progress(r => Console.WriteLine($"epoch {r.Epoch}"));
ml.MulticlassClassification.Trainers.Distillation(CheckpointedRun.Options(args[1], progress)).Fit(CheckpointedRun.Data(ml, args[0]));
Console.WriteLine("done");
return 0;

sealed class Progress(Action<EpochReport> report) : IProgress<EpochReport>
{
    public void Report(EpochReport value)
    {
        report(value);
        Console.Out.Flush();
    }
}
