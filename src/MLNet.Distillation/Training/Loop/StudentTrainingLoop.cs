using System.Diagnostics;
using MLNet.Distillation.Losses;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Mini-batch training of a student on blocks of rows (<see cref="ITrainingData"/>: a table in memory, or blocks streamed
/// from the data view). Knows nothing about which losses it sums:
/// it hands each batch to every <see cref="WeightedLoss"/> and backpropagates the weighted total.
/// </summary>
internal sealed class StudentTrainingLoop
{
    public required TrainingTask Task { get; init; }
    public required StudentArchitecture Architecture { get; init; }
    public required IReadOnlyList<WeightedLoss> Losses { get; init; }

    /// <summary>
    /// The other teacher columns the terms read, in the order each block holds them
    /// (<see cref="TrainingBlock.ExtraTeacherColumns"/>).
    /// </summary>
    public IReadOnlyList<string> ExtraTeacherColumns { get; init; } = [];
    public required int Epochs { get; init; }
    public required int BatchSize { get; init; }
    public required float LearningRate { get; init; }
    public required float WeightDecay { get; init; }
    /// <summary>How the sparse first layer's table takes its steps (ignored without one).</summary>
    public SparseFeatureStep SparseStep { get; init; }
    public required int Seed { get; init; }
    public required Device Device { get; init; }
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>
    /// Stop at the end of the epoch after which another one would overrun this (see
    /// <see cref="DistillationTrainerOptions.MaximumTrainingTime"/>).
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Told the epochs run and planned when <see cref="TimeBudget"/> ends training early.</summary>
    public Action<int, int>? OnTimeBudgetReached { get; init; }
    public Action<EpochReport>? OnEpoch { get; init; }

    /// <summary>
    /// The input standardisation the rows were trained under (passed to
    /// <see cref="StudentArchitecture.Build(int, int, ColumnStandardization?, ColumnStandardization?)"/>).
    /// </summary>
    public ColumnStandardization? InputScaling { get; init; }

    /// <summary>The regression target standardisation the rows were trained under.</summary>
    public ColumnStandardization? TargetScaling { get; init; }

    /// <summary>Where to keep this run's checkpoint (written after every epoch, resumed from when it exists), or null.</summary>
    public string? CheckpointFile { get; init; }

    /// <summary>What the checkpoint must have been written for: the options and the data (see <see cref="TrainingCheckpoint"/>).</summary>
    public string? CheckpointFingerprint { get; init; }

    /// <summary>Throws when the MLContext's execution was cancelled; called before every batch.</summary>
    public Action CheckAlive { get; init; } = () => { };

    /// <summary>Receives warnings (an unusable checkpoint).</summary>
    public Action<string>? OnWarning { get; init; }

    public sealed record Result(IReadOnlyList<StudentLayer> Layers, long ParameterCount, IReadOnlyList<EpochReport> History, int BestEpoch,
        TimeSpan Training, TimeSpan InsideTorch, long SamplesTrained);

    /// <summary>Mini-batch training of a student on a table held in memory (its training rows and, optionally, validation rows).</summary>
    public Result Run(TableRows train, TableRows? validation)
    {
        using var data = new InMemoryTrainingData(train, Task, Device);
        return Run(data, validation);
    }

    /// <summary>
    /// Trains: epochs of shuffled mini-batches, each summing the weighted terms, stepping and logging; after each epoch the
    /// validation figures (early stopping keeps the best epoch's weights), the checkpoint and the time budget. The student
    /// ends with the best validated epoch's weights, exported as layers.
    /// </summary>
    public Result Run(ITrainingData train, TableRows? validation)
    {
        // Same seed, same student, whatever else runs in the process: see TrainingState.Build and TrainingRandom.
        using var state = TrainingState.Build(this, train);
        var wallClock = Stopwatch.StartNew();
        var insideTorch = new Stopwatch();
        long samples = 0;
        var history = new List<EpochReport>();
        using var sums = new EpochSums(Losses, Task, Device);
        using var keeper = new BestEpochKeeper(EarlyStoppingPatience);
        using var exportCheck = new ExportCheck(state.Network.ChecksExport);
        using var validationBatches = validation is { Count: > 0 }
            ? new BatchInputs(train.SparseFeatures, Math.Max(BatchSize, 4096), train.FeatureCount, Device) : null;
        var checkpoints = CheckpointFile is null ? null : new CheckpointStore(CheckpointFile, CheckpointFingerprint!);
        int firstEpoch = checkpoints?.TryResume(state, keeper, history, Device, OnWarning) ?? 0;
        var budget = TimeBudget is TimeSpan limit ? new EpochTimeBudget(limit, wallClock, firstEpoch) : null;

        for (int epoch = firstEpoch; epoch < Epochs && !keeper.Stopped; epoch++)
        {
            var clock = Stopwatch.StartNew();
            samples += TrainEpoch(state, train, epoch, sums, exportCheck, insideTorch);

            double? validAccuracy = null, validLoss = null;
            if (validationBatches is not null)
            {
                insideTorch.Start();
                (validAccuracy, validLoss) = Evaluate(state.Network, validation!, validationBatches);
                insideTorch.Stop();
            }
            var report = Report(epoch, train, sums, validAccuracy, validLoss, clock.Elapsed);
            history.Add(report);
            OnEpoch?.Invoke(report);

            if (validLoss is double loss)
                keeper.Observe(epoch + 1, Task.ValidationScore(validAccuracy, loss), loss, state.Network);
            checkpoints?.Save(state, epoch + 1, keeper, history);
            // After the checkpoint, and not in it: the budget is this process's limit (EpochTimeBudget).
            if (budget is not null && !keeper.Stopped && epoch + 1 < Epochs && budget.NextEpochWouldOverrun(epoch + 1))
            {
                OnTimeBudgetReached?.Invoke(epoch + 1, Epochs);
                break;
            }
        }

        keeper.RestoreBest(state.Network);
        state.Network.eval();
        var layers = state.Network.ExportLayers();
        exportCheck.Verify(state.Network, layers, train.FeatureCount, train.OutputCount, Seed, Device);
        return new Result(layers, state.ParameterCount, history, keeper.FinalEpoch(history.Count), wallClock.Elapsed, insideTorch.Elapsed, samples);
    }

    /// <summary>
    /// One epoch over every block: each block's rows in an order that depends on the seed and the epoch alone (so a resumed
    /// run shuffles as the uninterrupted one did), in batches that sum the weighted terms, backpropagate and step. Returns
    /// the rows trained.
    /// </summary>
    private long TrainEpoch(TrainingState state, ITrainingData train, int epoch, EpochSums sums, ExportCheck exportCheck, Stopwatch insideTorch)
    {
        var shuffle = new Random(unchecked(Seed * 7919 + epoch));
        long rows = 0;
        bool countCorrect = train.RowCount - train.UnlabelledRows > 0;
        sums.Start();
        state.Network.train();
        foreach (var block in train.Blocks(epoch))
        {
            var order = block.Rows.Rows.ToArray();
            shuffle.Shuffle(order);
            var table = block.Rows.Table;
            var labelsOnHost = table.Labels;
            using var permutation = HostTensors.Share(Array.ConvertAll(order, i => (long)i), Device);
            for (int start = 0; start < order.Length; start += BatchSize)
            {
                int size = Math.Min(BatchSize, order.Length - start);
                CheckAlive();
                insideTorch.Start();
                using var scope = NewDisposeScope();
                var batchRows = order.AsSpan(start, size);
                var index = permutation.narrow(0, start, size);
                block.PerRow.Index = index;
                var taps = state.Views.NewTaps();
                var logits = state.Batches.Forward(state.Network, table, batchRows, taps, out var features, forStep: true);
                exportCheck.Capture(features, size);
                var batch = new DistillationBatch(logits, block.Labels.index_select(0, index), block.Teacher?.index_select(0, index), epoch,
                    block.PerRow, block.UnlabelledRows == 0 ? size : LabelledCount(labelsOnHost.AsSpan(), batchRows));
                Step(state, batch, taps, block, index, sums, size);
                sums.AddPredictions(logits, start, order.Length);
                insideTorch.Stop();
                rows += size;
            }
            if (sums.CountsCorrect && countCorrect)
            {
                insideTorch.Start();
                using var scope = NewDisposeScope();
                sums.CountBlock(order.Length, block.Labels.index_select(0, permutation));
                insideTorch.Stop();
            }
        }
        return rows;
    }

    /// <summary>Sums the weighted terms of one batch (each also into the epoch's sums), backpropagates and steps.</summary>
    private void Step(TrainingState state, DistillationBatch batch, Dictionary<string, Tensor?>? taps, TrainingBlock block, Tensor index,
        EpochSums sums, int size)
    {
        Tensor total = null!;
        for (int t = 0; t < Losses.Count; t++)
        {
            var value = Losses[t].Loss.Compute(state.Views.For(t, batch, taps, block, index));
            sums.AddTerm(t, value, size);
            total = t == 0 ? value.Times(Losses[t].Weight) : total.PlusScaled(value, Losses[t].Weight);
        }
        state.Optimizer.ZeroGrad();
        state.Network.BackwardForStep(total);
        state.Optimizer.Step();
    }

    /// <summary>
    /// The epoch's report: each term's mean per row, their weighted total, training accuracy and validation figures.
    /// Throws on a non-finite figure.
    /// </summary>
    private EpochReport Report(int epoch, ITrainingData train, EpochSums sums, double? validAccuracy, double? validLoss, TimeSpan elapsed)
    {
        var totals = sums.Totals();
        Divergence.ThrowIfNotFinite(epoch + 1, sums.Names, totals, validLoss);
        var termMeans = totals.Select(t => t / train.RowCount).ToArray();
        long labelledRows = train.RowCount - train.UnlabelledRows;
        return new EpochReport(epoch + 1,
            sums.Names.Select((name, t) => (name, termMeans[t])).ToDictionary(p => p.name, p => p.Item2),
            termMeans.Select((mean, t) => mean * Losses[t].Weight).Sum(),
            !sums.CountsCorrect || labelledRows == 0 ? null : sums.Correct / (double)labelledRows,
            validAccuracy, validLoss, elapsed);
    }

    /// <summary>Labelled rows in the batch, counted on the host (so the terms divide by it without a device sync).</summary>
    private static int LabelledCount(ReadOnlySpan<float> labels, ReadOnlySpan<int> rows)
    {
        int labelled = 0;
        foreach (int r in rows)
            if (!float.IsNaN(labels[r])) labelled++;
        return labelled;
    }

    /// <summary>Accuracy and mean hard-label loss on the validation rows, in chunks so that no copy of them is made whole.</summary>
    private (double? Accuracy, double Loss) Evaluate(StudentNetwork network, TableRows validation, BatchInputs gather)
    {
        network.eval();
        using var _ = no_grad();
        long? correct = null;
        double loss = 0;
        var labels = validation.Table.Labels.AsSpan();
        var chunkLabels = new float[gather.Rows];
        for (int start = 0; start < validation.Count; start += gather.Rows)
        {
            using var scope = NewDisposeScope();
            var rows = validation.Rows.AsSpan(start, Math.Min(gather.Rows, validation.Count - start));
            for (int i = 0; i < rows.Length; i++) chunkLabels[i] = labels[rows[i]];
            var y = Task.LabelTensor(chunkLabels.AsSpan(0, rows.Length), Device);
            var (right, sum) = Task.ValidationSums(gather.Forward(network, validation.Table, rows, null, out var _), y);
            correct = right is long r ? (correct ?? 0) + r : null;
            loss += sum;
        }
        return (correct / (double)validation.Count, loss / validation.Count);
    }
}
