using System.Security.Cryptography;
using System.Text.Json;
using MLNet.Distillation.Losses;

namespace MLNet.Distillation;

/// <summary>
/// What a checkpoint must match to be resumed: every setting that shapes the training (task, network, recipe, epochs,
/// batch, learning rate, weight decay, sparse-table step, seed, validation, threads, device, streaming) and the training data itself
/// (<see cref="DataHash"/> of the rows as loaded, labels and teacher outputs included). A checkpoint of any other run is never resumed.
/// </summary>
internal static class CheckpointFingerprint
{
    public static string Of(TrainingTask task, DistillationTrainerOptions options, IReadOnlyList<WeightedLoss> losses, int epochs, int seed,
        byte[] dataHash)
    {
        var recipe = options.Losses ?? task.DefaultRecipe(options, options.TeacherColumnName is not null);
        string settings = string.Join("|",
            "checkpoint-v2", task.Kind, options.Student.GetType().Name, JsonSerializer.Serialize(options.Student, options.Student.GetType()),
            string.Join(";", recipe.Select(t => t.ToString())), LossRecipe.Describe(losses), options.Temperature.ToString("R"),
            epochs, options.BatchSize, options.LearningRate.ToString("R"), options.WeightDecay.ToString("R"), seed,
            options.ValidationFraction.ToString("R"), options.EarlyStoppingPatience, options.NumberOfThreads, options.Device,
            options.Streaming ? $"streaming:{options.StreamingBlockRows}" : "in-memory", task.SparseStep(options),
            task.OptionsFingerprint(options));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(settings));
        hash.AppendData(dataHash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
