using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Early stopping: keeps the weights of the epoch with the best validation score, counts the epochs since the last
/// improvement, says when patience has run out, and puts the best weights back at the end.
/// <para>
/// Patience counts the epochs that improve neither the score nor the validation loss. A classifier's accuracy can dip and
/// sit still for several epochs while its loss still falls: a fastText student on six books reached 39.7 % at epoch 5 by a
/// lucky jump, stayed just below it while its validation loss fell every epoch, and stopped at epoch 10 at 38 % where the
/// same student with another seed trained 72 epochs to 92 %.
/// </para>
/// </summary>
/// <param name="patience">Epochs without improvement before training stops, or null to run every epoch.</param>
internal sealed class BestEpochKeeper(int? patience) : IDisposable
{
    private Tensor[]? _best;
    private bool _kept;
    private double _lowestLoss = double.PositiveInfinity;

    /// <summary>The best validation score so far (higher is better; see <see cref="TrainingTask.ValidationScore"/>).</summary>
    public double BestScore { get; private set; } = double.NegativeInfinity;

    /// <summary>The 1-based epoch whose weights are kept, or 0.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs since the score or the validation loss last improved.</summary>
    public int SinceBest { get; private set; }

    /// <summary>Whether patience has run out.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Takes one epoch's validation figures; keeps a copy of <paramref name="network"/>'s weights when the score improves.</summary>
    /// <param name="epoch">The 1-based epoch just finished.</param>
    /// <param name="score">Its validation score (higher is better).</param>
    /// <param name="validationLoss">Its validation loss.</param>
    /// <param name="network">The network whose weights are kept on an improvement.</param>
    public void Observe(int epoch, double score, double validationLoss, StudentNetwork network)
    {
        bool lowerLoss = validationLoss < _lowestLoss;
        _lowestLoss = Math.Min(_lowestLoss, validationLoss);
        if (score > BestScore)
        {
            BestScore = score;
            BestEpoch = epoch;
            SinceBest = 0;
            DisposeBest();
            _best = network.parameters().Select(p => p.detach().clone()).ToArray();
            _kept = true;
        }
        else if (lowerLoss)
            SinceBest = 0;
        else if (patience is int epochs && ++SinceBest >= epochs)
            Stopped = true;
    }

    /// <summary>
    /// Continues from a checkpoint: its counters, its best weights (as <paramref name="network"/>'s parameters on
    /// <paramref name="device"/>) and the lowest validation loss of its history.
    /// </summary>
    public void Resume(TrainingCheckpoint checkpoint, StudentNetwork network, Device device)
    {
        (BestScore, BestEpoch, SinceBest, Stopped) = (checkpoint.BestScore, checkpoint.BestEpoch, checkpoint.SinceBest, checkpoint.Stopped);
        _lowestLoss = checkpoint.History.Select(h => h.ValidationLoss ?? double.PositiveInfinity).DefaultIfEmpty(double.PositiveInfinity).Min();
        DisposeBest();
        _best = checkpoint.Best?.Zip(network.parameters()).Select(p => tensor(p.First, p.Second.shape, device: device)).ToArray();
        _kept = _best is not null;
    }

    /// <summary>The kept weights as a checkpoint stores them, or null.</summary>
    public float[][]? BestWeights() => _best?.Select(t => t.cpu().data<float>().ToArray()).ToArray();

    /// <summary>Copies the kept weights into <paramref name="network"/> (nothing when no epoch was validated) and frees them.</summary>
    public void RestoreBest(StudentNetwork network)
    {
        if (_best is null)
            return;
        using (no_grad())
            foreach (var (parameter, saved) in network.parameters().Zip(_best))
                parameter.copy_(saved);
        DisposeBest();
    }

    /// <summary>The epoch whose weights the student ends with: the best validated one, or the last of <paramref name="epochsRun"/>.</summary>
    public int FinalEpoch(int epochsRun) => _kept ? BestEpoch : epochsRun;

    public void Dispose() => DisposeBest();

    private void DisposeBest()
    {
        if (_best is null) return;
        foreach (var t in _best) t.Dispose();
        _best = null;
    }
}
