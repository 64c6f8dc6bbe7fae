using static TorchSharp.torch;

namespace MLNet.Distillation.Losses;

/// <summary>What a loss term sees of one mini-batch. Tensors live on the training device.</summary>
public sealed class DistillationBatch
{
    private readonly BatchRows? _rows;
    private int? _labelledRows;

    /// <summary>Creates a batch on its own (for computing a term outside training, as the tests do).</summary>
    /// <param name="studentLogits">The student's outputs, [B, K], attached to the autograd graph.</param>
    /// <param name="labels">Labels, [B]: int64 class indices with −1 for an unlabelled row (multiclass), or float
    /// values with NaN for one (binary: 0/1, regression); null when training without labels.</param>
    /// <param name="teacherLogits">The teacher's outputs, [B, K]; null when training without a teacher.</param>
    /// <param name="epoch">Zero-based epoch, for terms with warm-up schedules.</param>
    public DistillationBatch(Tensor studentLogits, Tensor? labels, Tensor? teacherLogits, int epoch)
        : this(studentLogits, labels, teacherLogits, epoch, null, null)
    {
    }

    internal DistillationBatch(Tensor studentLogits, Tensor? labels, Tensor? teacherLogits, int epoch, BatchRows? rows, int? labelledRows)
    {
        StudentLogits = studentLogits;
        Labels = labels;
        TeacherLogits = teacherLogits;
        Epoch = epoch;
        _rows = rows;
        _labelledRows = labelledRows;
    }

    /// <summary>The student's outputs, [B, K].</summary>
    public Tensor StudentLogits { get; }

    /// <summary>Labels, [B] (see the constructor), or null.</summary>
    public Tensor? Labels { get; }

    /// <summary>The teacher's outputs, [B, K], or null. Constant: no gradient flows into the teacher.</summary>
    public Tensor? TeacherLogits { get; }

    /// <summary>Zero-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>The batch rows that have a label (counted on the host during training, so a term can divide by it without a device sync).</summary>
    public int LabelledRows => _labelledRows ??= Labels is null ? 0
        : Labels.dtype == ScalarType.Int64 ? (int)Labels.ge(HeldScalars.Zero).sum().item<long>()
        : (int)Labels.isnan().logical_not().sum().item<long>();

    /// <summary>
    /// A per-row quantity derived from the labels and the teacher's outputs (for example the teacher's log-probabilities at
    /// a temperature), computed once per Fit over every training row and served to each batch as its rows: work that
    /// would otherwise repeat every epoch. <paramref name="compute"/> receives all labels and all teacher outputs (null
    /// when absent) and must compute each row from that row alone. Outside training it runs on the batch's own rows.
    /// </summary>
    /// <param name="key">Names the quantity; terms computing the same quantity share it (include every setting it
    /// depends on, e.g. the temperature).</param>
    /// <param name="compute">The row-wise computation.</param>
    public Tensor PerRow(string key, Func<Tensor?, Tensor?, Tensor> compute)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(compute);
        return _rows is null ? compute(Labels, TeacherLogits) : _rows.Select(key, compute);
    }

    /// <summary>The labels, or an error naming <paramref name="loss"/> when the run has none.</summary>
    /// <param name="loss">The asking term's name.</param>
    public Tensor RequireLabels(string loss) => Labels
        ?? throw new InvalidOperationException($"Loss '{loss}' needs labels, but this training run has no label column.");

    /// <summary>The teacher's outputs, or an error naming <paramref name="loss"/> when the run has none.</summary>
    /// <param name="loss">The asking term's name.</param>
    public Tensor RequireTeacher(string loss) => TeacherLogits
        ?? throw new InvalidOperationException($"Loss '{loss}' needs teacher logits, but this training run has no teacher column.");
}

/// <summary>
/// The whole training table's labels and teacher outputs on the device, the current batch's row indices, and the per-row
/// quantities the terms asked for, each computed once per Fit.
/// </summary>
internal sealed class BatchRows(Tensor? allLabels, Tensor? allTeacher) : IDisposable
{
    private readonly Dictionary<string, Tensor> _computed = [];

    public Tensor Index { get; set; } = null!;

    public Tensor Select(string key, Func<Tensor?, Tensor?, Tensor> compute)
    {
        if (!_computed.TryGetValue(key, out var all))
        {
            // Kept for the whole Fit: taken out of the batch's dispose scope (the intermediates stay in it).
            using (no_grad())
                all = compute(allLabels, allTeacher).detach().DetachFromDisposeScope();
            _computed[key] = all;
        }
        return all.index_select(0, Index);
    }

    public void Dispose()
    {
        foreach (var tensor in _computed.Values)
            tensor.Dispose();
    }
}
