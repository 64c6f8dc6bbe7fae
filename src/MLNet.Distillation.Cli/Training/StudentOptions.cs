using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>The trainer options and trainer of each task, from the command's arguments.</summary>
internal static class StudentOptions
{
    /// <summary>
    /// The options of <paramref name="task"/>'s trainer: columns as the featuriser writes them, epochs fixed (so
    /// progress knows n).
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="args">The command's arguments (seed, temperature, alpha, hidden layers).</param>
    /// <param name="epochs">Epochs to run.</param>
    /// <param name="teacher">Whether to learn from the teacher column (false: labels alone).</param>
    public static DistillationTrainerOptions Create(CliTask task, RunArguments args, int epochs, bool teacher = true)
    {
        var options = DistillationTrainerOptions.ForTask(task.Kind);
        options.LabelColumnName = Featurization.LabelColumn;
        options.FeatureColumnName = Featurization.FeaturesColumn;
        options.TeacherColumnName = teacher ? DefaultColumnNames.TeacherLogits : null;
        options.NumberOfEpochs = epochs;
        options.Seed = args.Seed;
        if (args.Temperature is float temperature)
        {
            if (!task.HasTemperature)
                throw CliException.BadInput($"--temperature: {task.Name} has no softening temperature; leave it out.");
            options.Temperature = temperature;
        }
        if (!teacher)
            options.Alpha = 1;
        else if (args.Alpha is float alpha)
            options.Alpha = alpha;
        if (args.Hidden is int[] hidden)
            options.Student = new MlpStudent { HiddenLayers = hidden };
        return options;
    }

    /// <summary>The epochs a Fit runs: <c>--epochs</c>, or the trainer's own default for this many rows.</summary>
    public static int Epochs(DistillationTask task, int? requested, long trainingRows)
    {
        var options = DistillationTrainerOptions.ForTask(task);
        options.NumberOfEpochs = requested;
        return options.EpochsFor(trainingRows);
    }

    /// <summary>The trainer for <paramref name="options"/> (built here, so bad settings fail before any training).</summary>
    public static IDistillationTrainer Trainer(MLContext mlContext, DistillationTrainerOptions options)
    {
        try
        {
            return mlContext.Distillation.Trainer(options);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // The trainers name the option at fault (Options.Alpha, ...); the command line's flags carry the same names.
            throw CliException.BadInput(e.Message.Split('\n')[0], e);
        }
    }
}
