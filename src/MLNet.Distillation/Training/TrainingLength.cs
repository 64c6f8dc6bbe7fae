namespace MLNet.Distillation;

/// <summary>
/// How many epochs a Fit runs when the options do not say. A fixed number of epochs gives a few hundred rows a few dozen
/// optimizer steps, far from convergence (the UCI wine data reached 46 % accuracy with 20 epochs of 2 steps); sizing by
/// steps gives small data sets as many updates as large ones, and large data sets keep their epoch count.
/// </summary>
internal static class TrainingLength
{
    public static int Epochs(int? requested, long trainingRows, int batchSize)
    {
        if (requested is int epochs)
            return epochs;
        long stepsPerEpoch = Math.Max(1, (trainingRows + batchSize - 1) / batchSize);
        long forSteps = (Defaults.MinimumOptimizerSteps + stepsPerEpoch - 1) / stepsPerEpoch;
        return (int)Math.Clamp(forSteps, Defaults.MinimumEpochs, Defaults.MaximumEpochs);
    }
}
