using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.TrainingChild;

/// <summary>The run the resume test interrupts: the options and data live here so the test and this program share them exactly.</summary>
public static class CheckpointedRun
{
    public const int Epochs = 30;

    /// <summary>600 UCI digits, features scaled to [0, 1], label mapped to a key in the file's order.</summary>
    public static IDataView Data(MLContext ml, string digitsCsv)
    {
        var raw = ml.Data.LoadFromTextFile(digitsCsv, [
            new TextLoader.Column("Pixels", DataKind.Single, 0, 63),
            new TextLoader.Column("Label", DataKind.String, 64),
        ], separatorChar: ',');
        var prepared = ml.Transforms.Expression("Features", "x : x / 16", "Pixels")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label")).Fit(raw).Transform(raw);
        return ml.Data.Cache(ml.Data.TakeRows(prepared, 600));
    }

    /// <summary>From labels, with dropout (so the random generator's state matters) and a validation share (so the best epoch does).</summary>
    public static DistillationMulticlassTrainer.Options Options(string? checkpointDirectory, IProgress<EpochReport>? progress = null) => new()
    {
        TeacherColumnName = null,
        Student = new MlpStudent { HiddenLayers = [32], Dropout = 0.2f },
        NumberOfEpochs = Epochs,
        ValidationFraction = 0.2f,
        LearningRate = 3e-3f,
        Seed = 21,
        NumberOfThreads = 1,
        CheckpointDirectory = checkpointDirectory,
        Progress = progress,
    };
}
