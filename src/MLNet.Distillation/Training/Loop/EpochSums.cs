using MLNet.Distillation.Losses;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// One epoch's running figures: each loss term's sum over rows, and the batches' predictions compared with the labels once
/// per block. The sums stay on the device and are read once per epoch: a read per batch would force a device sync per
/// batch. Two operations per term and two per batch, instead of a dozen.
/// </summary>
internal sealed class EpochSums : IDisposable
{
    private readonly TrainingTask _task;
    private readonly Device _device;
    private readonly Tensor[] _terms;
    private Tensor? _predictions;

    public EpochSums(IReadOnlyList<WeightedLoss> losses, TrainingTask task, Device device)
    {
        _task = task;
        _device = device;
        _terms = losses.Select(_ => zeros(1, ScalarType.Float64, device)).ToArray();
        Names = UniqueNames(losses.Select(l => l.Loss.Name).ToList());
    }

    /// <summary>Term names for reports; a name used twice gets a suffix (<c>ce</c>, <c>ce#2</c>) so no term's figure is lost.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Rows whose predicted class matched their label this epoch.</summary>
    public long Correct { get; private set; }

    /// <summary>Whether the task predicts classes (regression has no accuracy).</summary>
    public bool CountsCorrect => _predictions is not null;

    /// <summary>Zeroes the sums at the start of an epoch.</summary>
    public void Start()
    {
        foreach (var sum in _terms) sum.zero_();
        Correct = 0;
    }

    /// <summary>Adds term <paramref name="term"/>'s batch mean over <paramref name="rows"/> rows.</summary>
    public void AddTerm(int term, Tensor batchMean, int rows) => _terms[term].PlusScaled_(batchMean.detach(), rows);

    /// <summary>Keeps a batch's predicted classes at <paramref name="start"/> of the block's buffer (of <paramref name="blockRows"/> rows).</summary>
    public void AddPredictions(Tensor logits, int start, int blockRows)
    {
        if (_task.Predictions(logits.detach()) is not { } predicted)
            return;
        if (_predictions is null || _predictions.shape[0] < blockRows)
        {
            _predictions?.Dispose();
            _predictions = zeros(blockRows, dtype: predicted.dtype, device: _device).DetachFromDisposeScope();
        }
        _predictions.narrow(0, start, predicted.shape[0]).copy_(predicted);
    }

    /// <summary>Counts the block's correct predictions against its labels in the order the batches took them.</summary>
    public void CountBlock(int blockRows, Tensor labelsInOrder)
    {
        if (_predictions is not null)
            Correct += _task.CountCorrect(_predictions.narrow(0, 0, blockRows), labelsInOrder);
    }

    /// <summary>Each term's sum over the epoch's rows (one read of each from the device).</summary>
    public double[] Totals() => _terms.Select(t => t.item<double>()).ToArray();

    public void Dispose()
    {
        foreach (var sum in _terms) sum.Dispose();
        _predictions?.Dispose();
    }

    private static List<string> UniqueNames(List<string> names)
        => names.Select((n, i) => names.Take(i).Count(m => m == n) is var before && before > 0 ? $"{n}#{before + 1}" : n).ToList();
}
