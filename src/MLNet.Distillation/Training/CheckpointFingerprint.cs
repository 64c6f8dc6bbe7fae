using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using MLNet.Distillation.Losses;

namespace MLNet.Distillation;

/// <summary>
/// What a checkpoint must match to be resumed: every setting that shapes the training (task, network, recipe, epochs,
/// batch, learning rate, weight decay, seed, validation, threads, device) and the training data itself (SHA-256 of the
/// rows as loaded, labels and teacher outputs included). A checkpoint of any other run is never resumed.
/// </summary>
internal static class CheckpointFingerprint
{
    public static string Of(TrainingTask task, DistillationTrainerOptions options, IReadOnlyList<WeightedLoss> losses, int epochs, int seed,
        TrainingTable train, TrainingTable? validation)
    {
        var recipe = options.Losses ?? task.DefaultRecipe(options, options.TeacherColumnName is not null);
        string settings = string.Join("|",
            "checkpoint-v1", task.Kind, options.Student.GetType().Name, JsonSerializer.Serialize(options.Student, options.Student.GetType()),
            string.Join(";", recipe.Select(t => t.ToString())), LossRecipe.Describe(losses), options.Temperature.ToString("R"),
            epochs, options.BatchSize, options.LearningRate.ToString("R"), options.WeightDecay.ToString("R"), seed,
            options.ValidationFraction.ToString("R"), options.EarlyStoppingPatience, options.NumberOfThreads, options.Device,
            options is DistillationRegressionTrainer.Options r ? $"{r.LossFunction}:{r.HuberDelta:R}" : "");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(settings));
        foreach (var table in new[] { train, validation })
        {
            if (table is null) continue;
            hash.AppendData(BitConverter.GetBytes(table.RowCount));
            hash.AppendData(MemoryMarshal.AsBytes(table.Features.AsSpan()));
            hash.AppendData(MemoryMarshal.AsBytes(table.Labels.AsSpan()));
            if (table.TeacherLogits is { } teacher)
                hash.AppendData(MemoryMarshal.AsBytes(teacher.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
