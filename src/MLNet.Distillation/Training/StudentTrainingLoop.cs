using System.Diagnostics;
using MLNet.Distillation.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Mini-batch training of a student on a materialised table. Knows nothing about which losses it sums:
/// it hands each batch to every <see cref="WeightedLoss"/> and backpropagates the weighted total.
/// </summary>
internal sealed class StudentTrainingLoop
{
    public required TrainingTask Task { get; init; }
    public required StudentArchitecture Architecture { get; init; }
    public required IReadOnlyList<WeightedLoss> Losses { get; init; }
    public required int Epochs { get; init; }
    public required int BatchSize { get; init; }
    public required float LearningRate { get; init; }
    public required float WeightDecay { get; init; }
    public required int Seed { get; init; }
    public required Device Device { get; init; }
    public int? EarlyStoppingPatience { get; init; }
    public Action<EpochReport>? OnEpoch { get; init; }

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

    public Result Run(TrainingTable train, TrainingTable? validation)
    {
        // The one generator behind initialisation and dropout, seeded per run: same seed, same student.
        random.manual_seed(Seed);

        using var network = Architecture.Build(train.FeatureCount, train.OutputCount);
        network.to(Device);
        long parameterCount = network.parameters().Sum(p => p.numel());
        using var optimizer = new FlatAdamW(network.parameters().ToArray(), LearningRate, WeightDecay);

        using var features = tensor(train.Features, [train.RowCount, train.FeatureCount], device: Device);
        using var labels = Task.LabelTensor(train.Labels, train.RowCount, Device);
        using var teacher = train.TeacherLogits is null ? null : tensor(train.TeacherLogits, [train.RowCount, train.OutputCount], device: Device);
        // Per-row quantities the terms derive from labels and teacher outputs (e.g. the teacher's log-probabilities at T),
        // computed once per Fit instead of once per batch.
        using var rows = new BatchRows(labels, teacher);

        var history = new List<EpochReport>();
        var wallClock = Stopwatch.StartNew();
        var insideTorch = new Stopwatch();
        long samples = 0;
        long labelledRows = train.RowCount - train.UnlabelledRows;
        var order = Enumerable.Range(0, train.RowCount).ToArray();
        // Running sums stay on the device and are read once per epoch: a read per batch would force a device sync per batch.
        // The weighted total is derived from them at the epoch's end; each batch's predictions go into one buffer, compared
        // with the labels once per epoch. Two operations per term and three per batch, instead of a dozen.
        var termSums = Losses.Select(_ => zeros(1, ScalarType.Float64, Device)).ToArray();
        Tensor? predictions = null;
        var termNames = UniqueNames(Losses.Select(l => l.Loss.Name).ToList());
        Tensor[]? best = null;
        double bestScore = double.NegativeInfinity;
        int bestEpoch = 0, sinceBest = 0, firstEpoch = 0;
        bool stopped = false;

        string? problem = null;
        var resumed = CheckpointFile is null ? null : TrainingCheckpoint.TryLoad(CheckpointFile, CheckpointFingerprint!, out problem);
        if (resumed is not null)
        {
            // Everything the remaining epochs depend on comes back: they run exactly as they would have without the stop.
            using (var weights = new MemoryStream(resumed.Network))
                network.load(weights);
            optimizer.LoadState(resumed.Optimizer);
            using (var generator = tensor(resumed.RandomState))
                random.set_rng_state(generator);
            history.AddRange(resumed.History);
            (bestScore, bestEpoch, sinceBest, firstEpoch, stopped) = (resumed.BestScore, resumed.BestEpoch, resumed.SinceBest, resumed.CompletedEpochs, resumed.Stopped);
            best = resumed.Best?.Zip(network.parameters()).Select(p => tensor(p.First, p.Second.shape, device: Device)).ToArray();
        }
        else if (problem is not null)
            OnWarning?.Invoke($"The checkpoint '{CheckpointFile}' {problem}; training starts from the beginning and overwrites it.");

        for (int epoch = firstEpoch; epoch < Epochs && !stopped; epoch++)
        {
            var clock = Stopwatch.StartNew();
            // Each epoch's order depends on the seed and the epoch alone, so a resumed run shuffles as the uninterrupted one did.
            for (int i = 0; i < order.Length; i++) order[i] = i;
            new Random(unchecked(Seed * 7919 + epoch)).Shuffle(order);
            using var permutation = tensor(order.Select(i => (long)i).ToArray(), device: Device);
            foreach (var sum in termSums) sum.zero_();
            network.train();
            for (int start = 0; start < train.RowCount; start += BatchSize)
            {
                int size = Math.Min(BatchSize, train.RowCount - start);
                CheckAlive();
                insideTorch.Start();
                using var scope = NewDisposeScope();
                var index = permutation.narrow(0, start, size);
                rows.Index = index;
                var logits = network.forward(features.index_select(0, index));
                var batch = new DistillationBatch(logits, labels.index_select(0, index), teacher?.index_select(0, index), epoch, rows,
                    LabelledCount(train, order, start, size));

                Tensor total = null!;
                for (int t = 0; t < Losses.Count; t++)
                {
                    var value = Losses[t].Loss.Compute(batch);
                    termSums[t].add_(value.detach(), size);
                    total = t == 0 ? value * Losses[t].Weight : total.add(value, Losses[t].Weight);
                }
                optimizer.ZeroGrad();
                total.backward();
                optimizer.Step();
                if (Task.Predictions(logits.detach()) is { } predicted)
                {
                    predictions ??= zeros(train.RowCount, dtype: predicted.dtype, device: Device).DetachFromDisposeScope();
                    predictions.index_copy_(0, index, predicted);
                }
                insideTorch.Stop();
                samples += size;
            }

            double? validAccuracy = null, validLoss = null;
            if (validation is { RowCount: > 0 })
            {
                insideTorch.Start();
                (validAccuracy, validLoss) = Evaluate(network, validation);
                insideTorch.Stop();
            }

            Divergence.ThrowIfNotFinite(epoch + 1, termNames, termSums.Select(t => t.item<double>()).ToArray(), validLoss);
            var termMeans = termSums.Select(t => t.item<double>() / train.RowCount).ToArray();
            long? correct = predictions is null || labelledRows == 0 ? null : Task.CountCorrect(predictions, labels);
            var report = new EpochReport(epoch + 1,
                termNames.Select((name, t) => (name, termMeans[t])).ToDictionary(p => p.name, p => p.Item2),
                termMeans.Select((mean, t) => mean * Losses[t].Weight).Sum(),
                correct is long right ? right / (double)labelledRows : null,
                validAccuracy, validLoss, clock.Elapsed);
            history.Add(report);
            OnEpoch?.Invoke(report);

            if (validLoss is double loss)
            {
                double score = Task.ValidationScore(validAccuracy, loss);
                if (score > bestScore)
                {
                    bestScore = score;
                    bestEpoch = epoch + 1;
                    sinceBest = 0;
                    DisposeAll(best);
                    best = network.parameters().Select(p => p.detach().clone()).ToArray();
                }
                else if (EarlyStoppingPatience is int patience && ++sinceBest >= patience)
                    stopped = true;
            }
            if (CheckpointFile is not null)
                SaveCheckpoint(network, optimizer, epoch + 1, stopped, bestScore, bestEpoch, sinceBest, history, best);
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
        return new Result(network.ExportLayers(), parameterCount, history, best is null ? history.Count : bestEpoch,
            wallClock.Elapsed, insideTorch.Elapsed, samples);
    }

    /// <summary>Labelled rows in the batch, counted on the host (so the terms divide by it without a device sync).</summary>
    private static int LabelledCount(TrainingTable train, int[] order, int start, int size)
    {
        if (train.UnlabelledRows == 0)
            return size;
        int labelled = 0;
        for (int i = start; i < start + size; i++)
            if (!float.IsNaN(train.Labels[order[i]])) labelled++;
        return labelled;
    }

    private void SaveCheckpoint(StudentNetwork network, FlatAdamW optimizer, int completedEpochs, bool stopped,
        double bestScore, int bestEpoch, int sinceBest, List<EpochReport> history, Tensor[]? best)
    {
        using var weights = new MemoryStream();
        network.save(weights);
        using var generator = random.get_rng_state();
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

    private (double? Accuracy, double Loss) Evaluate(StudentNetwork network, TrainingTable validation)
    {
        network.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(validation.Features, [validation.RowCount, validation.FeatureCount], device: Device);
        var y = Task.LabelTensor(validation.Labels, validation.RowCount, Device);
        return Task.Validate(network.forward(x), y);
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
