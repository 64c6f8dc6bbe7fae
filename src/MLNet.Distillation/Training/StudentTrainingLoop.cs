using System.Diagnostics;
using MLNet.Distillation.Losses;
using TorchSharp;
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

    /// <summary>The other teacher columns the terms read, in the order each block holds them (<see cref="TrainingBlock.ExtraTeacherColumns"/>).</summary>
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

    /// <summary>Stop at the end of the epoch after which another one would overrun this (see <see cref="DistillationTrainerOptions.MaximumTrainingTime"/>).</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Told the epochs run and planned when <see cref="TimeBudget"/> ends training early.</summary>
    public Action<int, int>? OnTimeBudgetReached { get; init; }
    public Action<EpochReport>? OnEpoch { get; init; }

    /// <summary>The input standardisation the rows were trained under (passed to <see cref="StudentArchitecture.Build(int, int, ColumnStandardization?, ColumnStandardization?)"/>).</summary>
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

    public Result Run(ITrainingData train, TableRows? validation)
    {
        // Same seed, same student, whatever else runs in the process: the student (and the projectors) are initialised from
        // the seeded global generator while this Fit holds it, and every later draw (dropout) comes from this Fit's own
        // generator, which continues where the global one stood (TrainingRandom).
        // Terms that read a student layer or another teacher column see a view of each batch; the projectors they need
        // (FitNets' regressors) train with the student and are left out of it. Built after the network: the same seed
        // initialises the same student whether or not a term needs a projector.
        var (builtNetwork, builtViews) = TrainingRandom.SeedAndBuild(Seed, Device, () =>
        {
            var built = train.SparseFeatures
                ? Architecture.BuildForSparseInputs(train.FeatureCount, train.OutputCount)
                : Architecture.Build(train.FeatureCount, train.OutputCount, InputScaling, TargetScaling);
            try
            {
                built.to(Device);
                return (built, FeatureViews.Create(built, Losses, ExtraTeacherColumns, train, Device));
            }
            catch
            {
                built.Dispose();
                throw;
            }
        }, out var fitGenerator);
        using var network = builtNetwork;
        using var views = builtViews;
        using var generator = fitGenerator;
        network.Generator = generator;
        long parameterCount = network.parameters().Sum(p => p.numel());
        using var optimizer = new StudentOptimizer([.. network.parameters(), .. views.Parameters], network.SparseInput, LearningRate, WeightDecay, SparseStep);
        var checkpointed = views.CheckpointModule(network);
        // Batches are gathered from the table's chunks into one pinned buffer that a tensor shares (the features exist once),
        // or handed over as their non-zeros when the table holds them sparse.
        using var batchFeatures = new BatchInputs(train.SparseFeatures, BatchSize, train.FeatureCount, Device);

        var history = new List<EpochReport>();
        var wallClock = Stopwatch.StartNew();
        var insideTorch = new Stopwatch();
        long samples = 0;
        long labelledRows = train.RowCount - train.UnlabelledRows;
        // Running sums stay on the device and are read once per epoch: a read per batch would force a device sync per batch.
        // The weighted total is derived from them at the epoch's end; each batch's predictions go into one buffer, compared
        // with the labels once per block. Two operations per term and two per batch, instead of a dozen.
        var termSums = Losses.Select(_ => zeros(1, ScalarType.Float64, Device)).ToArray();
        Tensor? predictions = null;
        var termNames = UniqueNames(Losses.Select(l => l.Loss.Name).ToList());
        Tensor[]? best = null;
        double bestScore = double.NegativeInfinity, lowestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0, firstEpoch = 0;
        bool stopped = false;
        BatchInputs? validationGather = null;
        // A few training rows kept to compare the exported layers with the trained network (custom students only).
        Tensor? probe = null;

        string? problem = null;
        var resumed = CheckpointFile is null ? null : TrainingCheckpoint.TryLoad(CheckpointFile, CheckpointFingerprint!, out problem);
        if (resumed is not null)
        {
            // Everything the remaining epochs depend on comes back: they run exactly as they would have without the stop.
            using (var weights = new MemoryStream(resumed.Network))
                checkpointed.load(weights);
            optimizer.LoadState(resumed.Optimizer);
            using (var state = tensor(resumed.RandomState))
                generator.set_state(state);
            history.AddRange(resumed.History);
            lowestLoss = LowestValidationLoss(history);
            (bestScore, bestEpoch, sinceBest, firstEpoch, stopped) = (resumed.BestScore, resumed.BestEpoch, resumed.SinceBest, resumed.CompletedEpochs, resumed.Stopped);
            best = resumed.Best?.Zip(network.parameters()).Select(p => tensor(p.First, p.Second.shape, device: Device)).ToArray();
        }
        else if (problem is not null)
            OnWarning?.Invoke($"The checkpoint '{CheckpointFile}' {problem}; training starts from the beginning and overwrites it.");

        for (int epoch = firstEpoch; epoch < Epochs && !stopped; epoch++)
        {
            var clock = Stopwatch.StartNew();
            // Each epoch's order depends on the seed and the epoch alone, so a resumed run shuffles as the uninterrupted one did.
            var shuffle = new Random(unchecked(Seed * 7919 + epoch));
            foreach (var sum in termSums) sum.zero_();
            long correct = 0;
            network.train();
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
                    var taps = views.NewTaps();
                    var logits = batchFeatures.Forward(network, table, batchRows, taps, out var features);
                    if (network.ChecksExport && probe is null && features is not null)
                        probe = features.narrow(0, 0, Math.Min(size, 16)).detach().clone().DetachFromDisposeScope();
                    var batch = new DistillationBatch(logits, block.Labels.index_select(0, index), block.Teacher?.index_select(0, index), epoch,
                        block.PerRow, block.UnlabelledRows == 0 ? size : LabelledCount(labelsOnHost.AsSpan(), batchRows));

                    Tensor total = null!;
                    for (int t = 0; t < Losses.Count; t++)
                    {
                        var value = Losses[t].Loss.Compute(views.For(t, batch, taps, block, index));
                        termSums[t].PlusScaled_(value.detach(), size);
                        total = t == 0 ? value.Times(Losses[t].Weight) : total.PlusScaled(value, Losses[t].Weight);
                    }
                    optimizer.ZeroGrad();
                    total.backward();
                    optimizer.Step();
                    if (Task.Predictions(logits.detach()) is { } predicted)
                    {
                        if (predictions is null || predictions.shape[0] < order.Length)
                        {
                            predictions?.Dispose();
                            predictions = zeros(order.Length, dtype: predicted.dtype, device: Device).DetachFromDisposeScope();
                        }
                        predictions.narrow(0, start, size).copy_(predicted);
                    }
                    insideTorch.Stop();
                    samples += size;
                }
                if (predictions is not null && labelledRows > 0)
                {
                    insideTorch.Start();
                    using var scope = NewDisposeScope();
                    correct += Task.CountCorrect(predictions.narrow(0, 0, order.Length), block.Labels.index_select(0, permutation));
                    insideTorch.Stop();
                }
            }

            double? validAccuracy = null, validLoss = null;
            if (validation is { Count: > 0 })
            {
                insideTorch.Start();
                validationGather ??= new BatchInputs(train.SparseFeatures, Math.Max(BatchSize, 4096), train.FeatureCount, Device);
                (validAccuracy, validLoss) = Evaluate(network, validation, validationGather);
                insideTorch.Stop();
            }

            Divergence.ThrowIfNotFinite(epoch + 1, termNames, termSums.Select(t => t.item<double>()).ToArray(), validLoss);
            var termMeans = termSums.Select(t => t.item<double>() / train.RowCount).ToArray();
            var report = new EpochReport(epoch + 1,
                termNames.Select((name, t) => (name, termMeans[t])).ToDictionary(p => p.name, p => p.Item2),
                termMeans.Select((mean, t) => mean * Losses[t].Weight).Sum(),
                predictions is null || labelledRows == 0 ? null : correct / (double)labelledRows,
                validAccuracy, validLoss, clock.Elapsed);
            history.Add(report);
            OnEpoch?.Invoke(report);

            if (validLoss is double loss)
            {
                double score = Task.ValidationScore(validAccuracy, loss);
                // Patience counts the epochs that improve neither the score nor the validation loss. A classifier's accuracy
                // can dip and sit still for several epochs while its loss still falls: a fastText student on six books
                // reached 39.7 % at epoch 5 by a lucky jump, stayed just below it while its validation loss fell every epoch,
                // and stopped at epoch 10 at 38 % where the same student with another seed trained 72 epochs to 92 %.
                bool lowerLoss = loss < lowestLoss;
                lowestLoss = Math.Min(lowestLoss, loss);
                if (score > bestScore)
                {
                    bestScore = score;
                    bestEpoch = epoch + 1;
                    sinceBest = 0;
                    DisposeAll(best);
                    best = network.parameters().Select(p => p.detach().clone()).ToArray();
                }
                else if (lowerLoss)
                    sinceBest = 0;
                else if (EarlyStoppingPatience is int patience && ++sinceBest >= patience)
                    stopped = true;
            }
            if (CheckpointFile is not null)
                SaveCheckpoint(checkpointed, optimizer, generator, epoch + 1, stopped, bestScore, bestEpoch, sinceBest, history, best);

            // After the checkpoint, and not in it: a budget is this process's limit, not the run's, so a resumed run with more
            // time trains on. The next epoch is predicted from the mean of those this process ran.
            if (TimeBudget is TimeSpan budget && !stopped && epoch + 1 < Epochs)
            {
                var elapsed = wallClock.Elapsed;
                var meanEpoch = elapsed / (epoch + 1 - firstEpoch);
                if (elapsed + meanEpoch > budget)
                {
                    OnTimeBudgetReached?.Invoke(epoch + 1, Epochs);
                    break;
                }
            }
        }

        if (best is not null)
        {
            // Restore the weights of the best validation epoch.
            using (no_grad())
                foreach (var (parameter, saved) in network.parameters().Zip(best))
                    parameter.copy_(saved);
            DisposeAll(best);
        }
        network.eval();
        foreach (var sum in termSums) sum.Dispose();
        predictions?.Dispose();
        validationGather?.Dispose();
        var layers = network.ExportLayers();
        if (network.ChecksExport)
        {
            // A run resumed after its last epoch saw no batch: seeded random rows stand in for training rows.
            if (probe is null)
            {
                using var probeGenerator = new Generator((ulong)Seed);
                var cpu = randn(16, train.FeatureCount, generator: probeGenerator);
                probe = cpu.to(Device);
                if (!ReferenceEquals(probe, cpu))
                    cpu.Dispose();
            }
            using (probe)
                ExportProbe.Verify(network, layers, probe, train.OutputCount, "After training");
        }
        return new Result(layers, parameterCount, history, best is null ? history.Count : bestEpoch,
            wallClock.Elapsed, insideTorch.Elapsed, samples);
    }

    /// <summary>Labelled rows in the batch, counted on the host (so the terms divide by it without a device sync).</summary>
    private static int LabelledCount(ReadOnlySpan<float> labels, ReadOnlySpan<int> rows)
    {
        int labelled = 0;
        foreach (int r in rows)
            if (!float.IsNaN(labels[r])) labelled++;
        return labelled;
    }

    /// <summary>The lowest validation loss of the epochs run so far (a resumed run's patience continues from it).</summary>
    private static double LowestValidationLoss(IEnumerable<EpochReport> history)
        => history.Select(h => h.ValidationLoss ?? double.PositiveInfinity).DefaultIfEmpty(double.PositiveInfinity).Min();

    private void SaveCheckpoint(nn.Module network, StudentOptimizer optimizer, Generator random, int completedEpochs, bool stopped,
        double bestScore, int bestEpoch, int sinceBest, List<EpochReport> history, Tensor[]? best)
    {
        using var weights = new MemoryStream();
        network.save(weights);
        using var generator = random.get_state();
        new TrainingCheckpoint
        {
            Fingerprint = CheckpointFingerprint!,
            CompletedEpochs = completedEpochs,
            Stopped = stopped,
            BestScore = bestScore,
            BestEpoch = bestEpoch,
            SinceBest = sinceBest,
            History = history.ToList(),
            Network = weights.ToArray(),
            Optimizer = optimizer.SaveState(),
            RandomState = generator.data<byte>().ToArray(),
            Best = best?.Select(t => t.cpu().data<float>().ToArray()).ToArray(),
        }.Save(CheckpointFile!);
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

    /// <summary>Term names for reports; a name used twice gets a suffix (<c>ce</c>, <c>ce#2</c>) so no term's figure is lost.</summary>
    private static List<string> UniqueNames(List<string> names)
        => names.Select((n, i) => names.Take(i).Count(m => m == n) is var before && before > 0 ? $"{n}#{before + 1}" : n).ToList();

    private static void DisposeAll(Tensor[]? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors) t.Dispose();
    }
}
