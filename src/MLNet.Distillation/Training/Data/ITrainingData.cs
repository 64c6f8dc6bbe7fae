namespace MLNet.Distillation;

/// <summary>
/// Where the training loop's rows come from, epoch after epoch: <see cref="InMemoryTrainingData"/> (one block, the whole
/// table, built once) or StreamingTrainingData (blocks read from the data view on every epoch).
/// </summary>
internal interface ITrainingData : IDisposable
{
    int FeatureCount { get; }

    int OutputCount { get; }

    /// <summary>Values per row of each other teacher column the loss terms read (<see cref="TrainingBlock.ExtraTeacherColumns"/>).</summary>
    IReadOnlyList<int> ExtraTeacherWidths { get; }

    /// <summary>Whether the features are held as their non-zeros (<see cref="SparseRows"/>).</summary>
    bool SparseFeatures { get; }

    /// <summary>Training rows per epoch.</summary>
    long RowCount { get; }

    /// <summary>Training rows without a label.</summary>
    long UnlabelledRows { get; }

    /// <summary>
    /// The epoch's blocks, in the order to train on them. A block may be disposed by the source once the next one is
    /// asked for; the loop shuffles the rows within each block.
    /// </summary>
    IEnumerable<TrainingBlock> Blocks(int epoch);

    /// <summary>Time spent waiting for rows (reading, checking, scaling) that training did not overlap.</summary>
    TimeSpan Waiting { get; }
}
