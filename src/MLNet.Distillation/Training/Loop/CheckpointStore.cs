namespace MLNet.Distillation;

/// <summary>
/// The loop's side of <see cref="TrainingCheckpoint"/>: resumes a run from the file when it was written for this run's
/// fingerprint, and writes it after every epoch. Everything the remaining epochs depend on comes back (weights, optimizer,
/// generator, early-stopping counters and weights, history), so they run exactly as they would have without the stop.
/// </summary>
/// <param name="file">The run's checkpoint file.</param>
/// <param name="fingerprint">What the checkpoint must have been written for: the options and the data.</param>
internal sealed class CheckpointStore(string file, string fingerprint)
{
    /// <summary>
    /// Restores <paramref name="state"/>, <paramref name="keeper"/> and <paramref name="history"/> from the file and
    /// returns the epochs it completed; 0 when there is none, or (with a warning) when it is unusable.
    /// </summary>
    public int TryResume(TrainingState state, BestEpochKeeper keeper, List<EpochReport> history, TorchSharp.torch.Device device,
        Action<string>? onWarning)
    {
        var resumed = TrainingCheckpoint.TryLoad(file, fingerprint, out var problem);
        if (resumed is null)
        {
            if (problem is not null)
                onWarning?.Invoke($"The checkpoint '{file}' {problem}; training starts from the beginning and overwrites it.");
            return 0;
        }
        using (var weights = new MemoryStream(resumed.Network))
            state.Checkpointed.load(weights);
        state.Optimizer.LoadState(resumed.Optimizer);
        using (var random = TorchSharp.torch.tensor(resumed.RandomState))
            state.Generator.set_state(random);
        history.AddRange(resumed.History);
        keeper.Resume(resumed, state.Network, device);
        return resumed.CompletedEpochs;
    }

    /// <summary>
    /// Writes the run as it stands after <paramref name="completedEpochs"/> epochs (atomically; see
    /// <see cref="TrainingCheckpoint.Save"/>).
    /// </summary>
    public void Save(TrainingState state, int completedEpochs, BestEpochKeeper keeper, List<EpochReport> history)
    {
        using var weights = new MemoryStream();
        state.Checkpointed.save(weights);
        using var random = state.Generator.get_state();
        new TrainingCheckpoint
        {
            Fingerprint = fingerprint,
            CompletedEpochs = completedEpochs,
            Stopped = keeper.Stopped,
            BestScore = keeper.BestScore,
            BestEpoch = keeper.BestEpoch,
            SinceBest = keeper.SinceBest,
            History = history.ToList(),
            Network = weights.ToArray(),
            Optimizer = state.Optimizer.SaveState(),
            RandomState = random.data<byte>().ToArray(),
            Best = keeper.BestWeights(),
        }.Save(file);
    }
}
