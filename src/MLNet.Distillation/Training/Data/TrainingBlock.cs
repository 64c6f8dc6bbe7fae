using MLNet.Distillation.Losses;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Rows the training loop shuffles and batches together: the whole table when it is held in memory, one block of rows at
/// a time when streaming. The labels and teacher outputs of the block's table live on the device (small next to the
/// features), with the per-row quantities the loss terms derive from them; features stay in the table's chunks and are
/// gathered batch by batch.
/// </summary>
internal sealed class TrainingBlock : IDisposable
{
    public TrainingBlock(TableRows rows, TrainingTask task, Device device)
    {
        Rows = rows;
        Labels = task.LabelTensor(rows.Table.Labels.AsSpan(), device);
        Teacher = rows.Table.TeacherLogits is { } teacher ? HostTensors.Rows(teacher, device) : null;
        ExtraTeacherColumns = rows.Table.ExtraTeacherColumns.Select(extra => HostTensors.Rows(extra, device)).ToArray();
        PerRow = new BatchRows(Labels, Teacher);
        UnlabelledRows = rows.UnlabelledCount();
    }

    /// <summary>The rows to train on, as indices into their table.</summary>
    public TableRows Rows { get; }

    /// <summary>Every label of the table, indexed like its rows.</summary>
    public Tensor Labels { get; }

    /// <summary>Every teacher output of the table, [rows, outputs], or null.</summary>
    public Tensor? Teacher { get; }

    /// <summary>Every row of the table's other teacher columns (intermediate outputs), [rows, width] each, in the read spec's order.</summary>
    public Tensor[] ExtraTeacherColumns { get; }

    /// <summary>Per-row quantities of the loss terms, each computed once for this block.</summary>
    public BatchRows PerRow { get; }

    /// <summary>Rows among <see cref="Rows"/> without a label.</summary>
    public long UnlabelledRows { get; }

    public void Dispose()
    {
        PerRow.Dispose();
        Labels.Dispose();
        Teacher?.Dispose();
        foreach (var extra in ExtraTeacherColumns)
            extra.Dispose();
    }
}
