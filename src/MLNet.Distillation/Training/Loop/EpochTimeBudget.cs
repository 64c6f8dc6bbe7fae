using System.Diagnostics;

namespace MLNet.Distillation;

/// <summary>
/// <see cref="DistillationTrainerOptions.MaximumTrainingTime"/>: training stops at the end of the epoch after which another
/// one would end past the budget, predicting the next epoch from the mean of those this process ran. A budget is this
/// process's limit, not the run's: a run resumed from a checkpoint with more time trains on.
/// </summary>
/// <param name="budget">The time allowed.</param>
/// <param name="clock">Started when this process's training started.</param>
/// <param name="firstEpoch">The epochs already done before this process (resumed from a checkpoint).</param>
internal sealed class EpochTimeBudget(TimeSpan budget, Stopwatch clock, int firstEpoch)
{
    /// <summary>Whether an epoch after <paramref name="completedEpochs"/> (counted from the run's start) would end past the budget.</summary>
    public bool NextEpochWouldOverrun(int completedEpochs)
    {
        var elapsed = clock.Elapsed;
        var meanEpoch = elapsed / (completedEpochs - firstEpoch);
        return elapsed + meanEpoch > budget;
    }
}
