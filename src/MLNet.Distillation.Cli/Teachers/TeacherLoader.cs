using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Turns <c>--teacher</c> into a <see cref="Teacher"/>: an ONNX model reads the featurised <c>Features</c> vector (its
/// outputs are read as logits, in the label's sorted class order for multiclass); an ML.NET .zip reads the CSV's columns
/// as it was trained on them; <c>lightgbm</c> trains ML.NET's LightGbm on the featurised training rows first.
/// Failures become <see cref="ExitCodes.TrainingFailed"/> errors naming the teacher.
/// </summary>
internal static class TeacherLoader
{
    /// <summary>Loads a teacher from its file.</summary>
    public static Teacher Load(MLContext mlContext, TeacherSource source)
    {
        try
        {
            return source.Kind switch
            {
                TeacherKind.Onnx => Teacher.FromOnnx(source.Path!,
                    new OnnxTeacherOptions { InputColumnName = Featurization.FeaturesColumn, OutputKind = source.OutputKind }),
                TeacherKind.MLNetModel => Teacher.FromMLNetModel(mlContext, source.Path!),
                _ => throw new InvalidOperationException("A LightGbm teacher is trained, not loaded."),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw CliException.TrainingFailed($"--teacher {source.Path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// A text encoder teacher: the encoder (the shipped all-MiniLM-L6-v2, or the given .onnx and vocab.txt) over the
    /// CSV's free-text column, with a linear head fitted on the featurised training rows' <c>Label</c>.
    /// </summary>
    public static Teacher FitTextEncoder(MLContext mlContext, TeacherSource source, IDataView train, string textColumn)
    {
        try
        {
            var (model, vocabulary) = source.Path is null ? ShippedMiniLM.Files() : (source.Path, source.Vocabulary!);
            var encoder = TextEncoder.FromOnnx(model, vocabulary);
            return Teacher.FromTextEncoder(mlContext, train, encoder, textColumn, Featurization.LabelColumn);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw CliException.TrainingFailed($"--teacher {source.Path ?? TeacherSource.MiniLM}: {e.Message}", e);
        }
    }

    /// <summary>Trains ML.NET's LightGbm for <paramref name="task"/> on the featurised rows (<c>Features</c>, <c>Label</c>).</summary>
    public static ITransformer TrainLightGbm(MLContext mlContext, CliTask task, IDataView featurised)
    {
        try
        {
            return task.LightGbm(mlContext, Featurization.LabelColumn, Featurization.FeaturesColumn).Fit(featurised);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw CliException.TrainingFailed($"--teacher lightgbm: training the LightGbm teacher failed: {e.Message}", e);
        }
    }
}
