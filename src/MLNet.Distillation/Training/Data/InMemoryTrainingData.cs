using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>The training rows of a table held in memory: one block, built on first use and reused every epoch.</summary>
internal sealed class InMemoryTrainingData(TableRows rows, TrainingTask task, Device device) : ITrainingData
{
    private TrainingBlock? _block;

    public int FeatureCount => rows.Table.FeatureCount;

    public int OutputCount => rows.Table.OutputCount;

    public IReadOnlyList<int> ExtraTeacherWidths => rows.Table.ExtraTeacherColumns.Select(c => c.Width).ToArray();

    public bool SparseFeatures => rows.Table.SparseFeatures is not null;

    public long RowCount => rows.Count;

    public long UnlabelledRows => _block?.UnlabelledRows ?? rows.UnlabelledCount();

    public TimeSpan Waiting => TimeSpan.Zero;

    public IEnumerable<TrainingBlock> Blocks(int epoch)
    {
        _block ??= new TrainingBlock(rows, task, device);
        yield return _block;
    }

    public void Dispose() => _block?.Dispose();
}
