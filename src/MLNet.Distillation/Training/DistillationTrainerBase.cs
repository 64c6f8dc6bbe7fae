using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Distillation.Losses;
using TorchSharp;

namespace MLNet.Distillation;

/// <summary>
/// What the distillation trainers of every task share: the schema check, reading the data once, the validation split,
/// the training loop and building the fitted student. A trainer minimises the weighted sum of its recipe's loss terms
/// (by default <c>alpha · hard-label term + (1 − alpha) · soft-target term</c>; <b>alpha weights the hard-label term</b>).
/// Without a teacher column (<see cref="DistillationTrainerOptions.TeacherColumnName"/> = null) it trains from labels
/// alone: the baseline to compare every distilled student with.
/// </summary>
/// <typeparam name="TOptions">The trainer's options class.</typeparam>
public abstract class DistillationTrainerBase<TOptions> : IEstimator<StudentTransformer>
    where TOptions : DistillationTrainerOptions
{
    private readonly IHostEnvironment _environment;
    private readonly TOptions _options;
    private readonly TrainingTask _task;
    private readonly IReadOnlyList<WeightedLoss> _losses;

    private protected DistillationTrainerBase(IHostEnvironment environment, TOptions options, TrainingTask task)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _environment = environment;
        // A private copy: an options object changed after this point cannot change (or break) this trainer.
        _options = (TOptions)options.Copy();
        _task = task;
        _losses = LossRecipe.Resolve(task, _options);
    }

    /// <summary>The loss terms this trainer minimises, with their weights, as written in logs (e.g. <c>0.1·ce + 0.9·kd</c>).</summary>
    public string LossRecipeDescription => LossRecipe.Describe(_losses);

    /// <summary>Trains the student on <paramref name="input"/>.</summary>
    /// <param name="input">Training data with the label, feature and (when a loss term reads it) teacher columns.</param>
    public StudentTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains the student, measuring it on <paramref name="validationData"/> after every epoch.</summary>
    /// <param name="input">Training data.</param>
    /// <param name="validationData">Data with the same label and feature columns (the teacher column is not needed), or null.</param>
    public StudentTransformer Fit(IDataView input, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool teacherNeeded = LossRecipe.NeedsTeacher(_losses);
        var extraTeacherNames = LossRecipe.ExtraTeacherColumns(_losses);
        var columns = TrainingColumns.Check(input.Schema, _options, _task, teacherNeeded, extraTeacherNames);
        var featureColumn = input.Schema[columns.Features.Name];
        var labelColumn = input.Schema[columns.Label.Name];
        var teacherColumn = columns.Teacher is { } t ? input.Schema[t.Name] : (DataViewSchema.Column?)null;
        if (teacherColumn is { } teacher)
            _task.CheckTeacherMatchesLabel(teacher, labelColumn);
        int featureCount = columns.Features.VectorSize!.Value, outputCount = columns.OutputCount!.Value;
        // A student that cannot be built or exported is refused before any data is read.
        _options.Student.CheckBeforeTraining(featureCount, outputCount);

        var host = _environment.Register(GetType().Name);
        int seed = _options.Seed ?? host.Rand.Next();
        using var channel = host.Start("Training");
        var device = TrainingDevice.Resolve(_options.Device);
        if (_options.CheckpointDirectory is string checkpoints && !Directory.Exists(checkpoints))
            throw new DirectoryNotFoundException($"Options.CheckpointDirectory '{checkpoints}' does not exist.");
        // A cancelled MLContext or token stops the Fit before the next batch (or the next block of rows being read).
        var cancelled = ContextCancellation.Probe(host);
        void CheckAlive()
        {
            _options.CancellationToken.ThrowIfCancellationRequested();
            if (cancelled())
                throw new OperationCanceledException("Training was cancelled (the MLContext's execution was cancelled); no student was produced.");
        }

        var loading = System.Diagnostics.Stopwatch.StartNew();
        bool sparse = SparseInputs.Chosen(_options, input, featureColumn, featureCount);
        var spec = new TrainingReadSpec(_task, featureColumn, labelColumn, teacherColumn, featureCount, outputCount,
            KeepUnlabelled: LossRecipe.LearnsFromUnlabelledRows(_losses), CheckAlive)
        {
            SparseFeatures = sparse,
            ExtraTeacherColumns = columns.ExtraTeacherColumns.Select(c => (input.Schema[c.Name], c.VectorSize!.Value)).ToArray(),
        };
        var teacherCheck = teacherColumn is { } teacherColumnChecked
            ? _task.CreateTeacherCheck(teacherColumnChecked, labelColumn, outputCount, labelsWeigh: LossRecipe.NeedsLabels(_losses)) : null;
        TrainingTable? validationTable = null;
        if (validationData is not null)
        {
            var v = TrainingColumns.Check(validationData.Schema, _options, _task, teacherNeeded: false, extraTeacherColumns: []);
            if (v.Features.VectorSize != featureCount || v.OutputCount != outputCount)
                throw new ArgumentException($"Validation data has {v.Features.VectorSize} features and {v.OutputCount} outputs per row; " +
                    $"training data has {featureCount} and {outputCount}.", nameof(validationData));
            validationTable = TrainingTable.Load(validationData, spec with
            {
                Features = validationData.Schema[v.Features.Name], Label = validationData.Schema[v.Label.Name], Teacher = null, KeepUnlabelled = false,
                ExtraTeacherColumns = [],
            });
        }
        bool hash = _options.CheckpointDirectory is not null;
        using var prepared = _options.Streaming
            ? PrepareStreaming(input, spec, teacherCheck, validationTable, seed, device, hash, channel)
            : PrepareInMemory(input, spec, teacherCheck, validationTable, seed, device, hash, channel);
        var (train, validation, inputScaling, targetScaling) = (prepared.Train, prepared.Validation, prepared.Inputs, prepared.Target);
        if (prepared.Skipped > 0)
            channel.Warning(MessageSensitivity.None, $"Left out {prepared.Skipped} rows whose label '{labelColumn.Name}' is missing.");
        if (train.UnlabelledRows > 0)
            channel.Info(MessageSensitivity.None, $"{train.UnlabelledRows} of {train.RowCount} rows have no label: they learn from the teacher's outputs only.");

        loading.Stop();
        if (prepared.AutomaticEarlyStopping)
            channel.Info(MessageSensitivity.None, $"Sparse features and {prepared.Train.RowCount + (validation?.Count ?? 0):N0} rows: holding out {Defaults.AutomaticValidationFraction:P0} " +
                $"of them and stopping after {Defaults.AutomaticEarlyStoppingPatience} epochs without improvement (Options.AutomaticEarlyStopping; set it to false to train on every row).");
        if (_options.EarlyStoppingPatience is not null && validation is null)
            channel.Warning(MessageSensitivity.None, "EarlyStoppingPatience is set but there is no validation data (pass it to Fit or set ValidationFraction); training runs all epochs.");
        string architecture = _options.Student.Describe(featureCount, outputCount);
        var sparseStep = _task.SparseStep(_options);
        int epochs = TrainingLength.Epochs(_options.NumberOfEpochs, train.RowCount);
        channel.Info(MessageSensitivity.None, $"Training {architecture} on {train.RowCount} rows ({(validation is null ? "no" : validation.Count.ToString())} validation rows" +
            $"{(_options.Streaming ? $", streamed in blocks of {_options.StreamingBlockRows:N0}" : "")}) " +
            $"for {epochs} epochs{(_options.NumberOfEpochs is null ? $" (sized to train on at least {Defaults.MinimumRowsSeen:N0} rows)" : "")}, " +
            $"losses {LossRecipe.Describe(_losses)}, seed {seed}, device {device}" +
            $"{(prepared.Train.SparseFeatures ? $", {sparseStep} steps on the sparse table (Options.SparseFeatureStep)" : "")}.");

        string? checkpointFingerprint = _options.CheckpointDirectory is null ? null
            : CheckpointFingerprint.Of(_task, _options, _losses, epochs, seed, prepared.DataHash!);
        int previousThreads = torch.get_num_threads();
        int? trainingThreads = _options.NumberOfThreads ?? (_options.Streaming ? StreamingTrainingData.TrainingThreads(previousThreads) : null);
        if (trainingThreads is int threads)
            torch.set_num_threads(threads);
        StudentTrainingLoop.Result result;
        try
        {
            result = new StudentTrainingLoop
            {
                Task = _task,
                ExtraTeacherColumns = extraTeacherNames,
                Architecture = _options.Student,
                Losses = _losses,
                Epochs = epochs,
                BatchSize = _options.BatchSize,
                LearningRate = _options.LearningRate,
                WeightDecay = _options.WeightDecay,
                SparseStep = sparseStep,
                Seed = seed,
                Device = device,
                InputScaling = inputScaling,
                TargetScaling = targetScaling,
                EarlyStoppingPatience = validation is null ? null
                    : prepared.AutomaticEarlyStopping ? Defaults.AutomaticEarlyStoppingPatience : _options.EarlyStoppingPatience,
                TimeBudget = _options.MaximumTrainingTime,
                OnTimeBudgetReached = (done, planned) => channel.Info(MessageSensitivity.None,
                    $"Stopped after {done} of {planned} epochs: another epoch would end past Options.MaximumTrainingTime ({_options.MaximumTrainingTime})."),
                CheckAlive = CheckAlive,
                CheckpointFingerprint = checkpointFingerprint,
                CheckpointFile = checkpointFingerprint is null ? null : TrainingCheckpoint.PathFor(_options.CheckpointDirectory!, checkpointFingerprint),
                OnWarning = message => channel.Warning(MessageSensitivity.None, message),
                OnEpoch = report =>
                {
                    channel.Info(MessageSensitivity.None, report.ToString());
                    _options.Progress?.Report(report);
                },
            }.Run(train, validation);
        }
        finally
        {
            if (trainingThreads is not null)
                torch.set_num_threads(previousThreads);
        }

        if (ConvergenceCheck.Undertrained(result.History, epochs) is string warning)
            channel.Warning(MessageSensitivity.None, warning);
        if (Divergence.Exploded(result.History) is string exploded)
            channel.Warning(MessageSensitivity.None, exploded);

        var model = new StudentModel(_task.Kind, LayerFolding.Fold(result.Layers, inputScaling, targetScaling), architecture, _options.FeatureColumnName, featureCount, outputCount,
            ColumnAnnotations.TextKeyValues(labelColumn), LayerFolding.FoldedInputs(result.Layers, inputScaling))
        {
            SparsePairs = sparse ? SparseInputs.PairsPerRow(_options.MaximumNonZerosPerRow, prepared.MaximumRowNonZeros, featureCount) : null,
        };
        if (sparse)
            channel.Info(MessageSensitivity.None, $"Sparse features: at most {prepared.MaximumRowNonZeros:N0} non-zeros in a training row; the saved student reads up to {model.SparsePairs:N0} per row.");
        var pipeline = StudentPipelineFactory.Create(model, result.ParameterCount, labelColumn, input);
        return new StudentTransformer(model, pipeline, result.ParameterCount, result.History, result.BestEpoch,
            new TrainingProfile(loading.Elapsed + prepared.Train.Waiting, result.Training, result.InsideTorch, result.SamplesTrained));
    }

    /// <summary>The training rows ready for the loop, with what the Fit learnt while reading them.</summary>
    private sealed record PreparedData(ITrainingData Train, TableRows? Validation, ColumnStandardization? Inputs, ColumnStandardization? Target,
        byte[]? DataHash, long Skipped) : IDisposable
    {
        /// <summary>With sparse features, the most non-zeros any training or validation row held.</summary>
        public int MaximumRowNonZeros { get; init; }

        /// <summary>Whether the validation rows were held out by <see cref="DistillationTrainerOptions.AutomaticEarlyStopping"/>.</summary>
        public bool AutomaticEarlyStopping { get; init; }

        public void Dispose() => Train.Dispose();
    }

    /// <summary>
    /// Reads every row into memory once, checks the teacher against the labels, splits off validation rows (index views),
    /// fits the standardisations on the training rows and applies them in place.
    /// </summary>
    private PreparedData PrepareInMemory(IDataView input, TrainingReadSpec spec, TeacherLabelCheck? teacherCheck, TrainingTable? validationTable,
        int seed, TorchSharp.torch.Device device, bool hash, IChannel channel)
    {
        var table = TrainingTable.Load(input, spec);
        RequireTrainingRows(table.RowCount, table.UnlabelledRows, spec.Label.Name);
        if (teacherCheck is not null)
        {
            teacherCheck.Add(table);
            teacherCheck.Verify(message => channel.Warning(MessageSensitivity.None, message));
        }
        var train = TableRows.All(table);
        TableRows? validation = validationTable is null ? null : TableRows.All(validationTable);
        bool automatic = validationTable is null && AutomaticEarlyStopping(spec, table.RowCount, table.RowCount - table.UnlabelledRows);
        float fraction = automatic ? Defaults.AutomaticValidationFraction : _options.ValidationFraction;
        if (validationTable is null && fraction > 0)
            (train, validation) = ValidationSplit.Split(table, fraction, seed);

        // Standardisation statistics come from the training rows only (after the validation split) and are applied in place
        // to the tables this Fit owns; the exported student undoes them (LayerFolding).
        var scaling = new TrainingScaling(spec.FeatureCount, _options.Student.StandardizeInputs, _task.StandardizesTarget, spec.SparseFeatures);
        int maximumNonZeros = Math.Max(table.SparseFeatures?.MaximumRowNonZeros ?? 0, validationTable?.SparseFeatures?.MaximumRowNonZeros ?? 0);
        scaling.Add(train);
        var (inputs, target) = (scaling.Inputs(), scaling.Target());
        TrainingScaling.Apply(table, inputs, target);
        if (validationTable is not null)
            TrainingScaling.Apply(validationTable, inputs, target);
        return new PreparedData(new InMemoryTrainingData(train, _task, device), validation, inputs, target,
            hash ? DataHash.Of(table, validationTable) : null, table.SkippedRows) { MaximumRowNonZeros = maximumNonZeros, AutomaticEarlyStopping = automatic };
    }

    /// <summary>One pass over the data before training (see <see cref="StreamingTrainingData"/>); the epochs read it again.</summary>
    private PreparedData PrepareStreaming(IDataView input, TrainingReadSpec spec, TeacherLabelCheck? teacherCheck, TrainingTable? validationTable,
        int seed, TorchSharp.torch.Device device, bool hash, IChannel channel)
    {
        var streaming = new StreamingTrainingData(input, spec, _options.StreamingBlockRows, seed, validationTable is null ? _options.ValidationFraction : 0, device);
        try
        {
            var preparation = streaming.Prepare(teacherCheck, _options.Student.StandardizeInputs, _task.StandardizesTarget, holdOut: validationTable is null, hash);
            RequireTrainingRows(streaming.RowCount, streaming.UnlabelledRows, spec.Label.Name);
            teacherCheck?.Verify(message => channel.Warning(MessageSensitivity.None, message));
            if (streaming.OrderWarning is string warning)
                channel.Warning(MessageSensitivity.None, warning);
            if (validationTable is not null)
                TrainingScaling.Apply(validationTable, preparation.Inputs, preparation.Target);
            var validation = validationTable ?? preparation.Validation;
            if (_options.ValidationFraction > 0 && validationTable is null && validation!.RowCount == 0)
                throw new ArgumentOutOfRangeException(nameof(_options.ValidationFraction),
                    $"Options.ValidationFraction {_options.ValidationFraction} held out no labelled row of {streaming.RowCount - streaming.UnlabelledRows}.");
            return new PreparedData(streaming, validation is null ? null : TableRows.All(validation), preparation.Inputs, preparation.Target,
                hash ? Combine(preparation.DataHash!, validationTable) : null, streaming.SkippedRows)
            {
                MaximumRowNonZeros = Math.Max(streaming.MaximumRowNonZeros, validationTable?.SparseFeatures?.MaximumRowNonZeros ?? 0),
            };
        }
        catch
        {
            streaming.Dispose();
            throw;
        }
    }

    /// <summary>The streamed rows' digest followed by a separately given validation table's.</summary>
    private static byte[] Combine(byte[] streamed, TrainingTable? validation)
        => validation is null ? streamed : System.Security.Cryptography.SHA256.HashData([.. streamed, .. DataHash.Of(validation, null)]);

    /// <summary>Whether <see cref="DistillationTrainerOptions.AutomaticEarlyStopping"/> applies to a Fit of <paramref name="rows"/> rows held in memory, <paramref name="labelled"/> of them labelled.</summary>
    private bool AutomaticEarlyStopping(TrainingReadSpec spec, long rows, long labelled)
        => _options.AutomaticEarlyStopping && spec.SparseFeatures && rows < Defaults.AutomaticEarlyStoppingRows
           && labelled >= Defaults.AutomaticEarlyStoppingMinimumLabelledRows
           && _options.ValidationFraction == 0 && _options.EarlyStoppingPatience is null;

    private void RequireTrainingRows(long rows, long unlabelled, string labelColumn)
    {
        if (rows == 0)
            throw new InvalidOperationException($"The training data has no rows with a label in column '{labelColumn}'.");
        if (unlabelled == rows && LossRecipe.NeedsLabels(_losses))
            throw new InvalidOperationException($"No training row has a label in column '{labelColumn}', but the loss recipe " +
                $"({LossRecipe.Describe(_losses)}) has terms that learn from labels.");
    }

    /// <summary>
    /// The input shape plus the columns the student writes. Runs the same column check as <see cref="Fit(IDataView)"/>
    /// (which only adds what a shape cannot tell: vector sizes, key counts, the teacher's class order).
    /// </summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var columns = TrainingColumns.Check(inputSchema, _options, _task, LossRecipe.NeedsTeacher(_losses), LossRecipe.ExtraTeacherColumns(_losses));
        var builder = new DataViewSchema.Builder();
        _task.AddOutputColumns(builder, SchemaShapes.Find(inputSchema, columns.Label.Name)!.Value, columns.OutputCount);
        return SchemaShapes.Append(inputSchema, builder.ToSchema());
    }
}
