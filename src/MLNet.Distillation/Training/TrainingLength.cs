namespace MLNet.Distillation;

/// <summary>
/// How many epochs a Fit runs when the options do not say. A fixed number of epochs gives a few hundred rows a few dozen
/// optimizer steps, far from convergence (the UCI wine data reached 46 % accuracy with 20 epochs of 2 steps); sizing by
/// rows seen gives small data sets as many updates as large ones, and large data sets keep their epoch count. Rows, not
/// optimizer steps: the same number of steps at a larger batch would be more passes over the same rows, and small noisy
/// tables overfit (the speed benchmark's batch-size experiment).
/// </summary>
internal static class TrainingLength
{
    public static int Epochs(int? requested, long trainingRows)
    {
        if (requested is int epochs)
            return epochs;
        long rows = Math.Max(1, trainingRows);
        long forRows = (Defaults.MinimumRowsSeen + rows - 1) / rows;
        return (int)Math.Clamp(forRows, Defaults.MinimumEpochs, Defaults.MaximumEpochs);
    }
}
