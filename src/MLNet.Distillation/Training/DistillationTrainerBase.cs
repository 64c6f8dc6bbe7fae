using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Distillation.Losses;

namespace MLNet.Distillation;

/// <summary>
/// What the distillation trainers of every task share: the schema check, reading the data once, the validation split,
/// the training loop and building the fitted student. A trainer minimises the weighted sum of its recipe's loss terms
/// (by default <c>alpha · hard-label term + (1 − alpha) · soft-target term</c>; <b>alpha weights the hard-label term</b>).
/// Without a teacher column (<see cref="DistillationTrainerOptions.TeacherColumnName"/> = null) it trains from labels
/// alone: the baseline to compare every distilled student with.
/// </summary>
/// <typeparam name="TOptions">The trainer's options class.</typeparam>
public abstract class DistillationTrainerBase<TOptions> : IDistillationTrainer
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

    /// <summary>The task this trainer trains for.</summary>
    public DistillationTask Task => _task.Kind;

    /// <summary>Trains the student on <paramref name="input"/>.</summary>
    /// <param name="input">Training data with the label, feature and (when a loss term reads it) teacher columns.</param>
    public StudentTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains the student, measuring it on <paramref name="validationData"/> after every epoch.</summary>
    /// <param name="input">Training data.</param>
    /// <param name="validationData">Data with the same label and feature columns (the teacher column is not needed), or null.</param>
    public StudentTransformer Fit(IDataView input, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(input);
        var fit = FitColumns.Of(input.Schema, _options, _task, _losses);
        // A student that cannot be built or exported is refused before any data is read.
        _options.Student.CheckBeforeTraining(fit.FeatureCount, fit.OutputCount);

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

        // The whole Fit's libtorch work (statistics, training, folding) runs with the Fit's own thread count.
        return TrainingThreads.With(TrainingThreads.For(_options), () =>
        {
            var loading = System.Diagnostics.Stopwatch.StartNew();
            using var prepared = Prepare(input, validationData, fit, seed, device, CheckAlive, channel);
            loading.Stop();
            var result = Train(prepared, fit, seed, device, CheckAlive, channel);
            return Build(result, prepared, fit, input, loading.Elapsed, channel);
        });
    }

    /// <summary>
    /// The Fit's columns, checked (the same check <see cref="GetOutputSchema"/> runs, plus what a shape cannot tell: vector
    /// sizes, key counts, the teacher's class order).
    /// </summary>
    private sealed record FitColumns(DataViewSchema.Column Features, DataViewSchema.Column Label, DataViewSchema.Column? Teacher,
        TrainingColumns Checked, IReadOnlyList<string> ExtraTeacherNames, bool TeacherNeeded)
    {
        public int FeatureCount => Checked.Features.VectorSize!.Value;

        public int OutputCount => Checked.OutputCount!.Value;

        public static FitColumns Of(DataViewSchema schema, TOptions options, TrainingTask task, IReadOnlyList<WeightedLoss> losses)
        {
            bool teacherNeeded = LossRecipe.NeedsTeacher(losses);
            var extraTeacherNames = LossRecipe.ExtraTeacherColumns(losses);
            var columns = TrainingColumns.Check(schema, options, task, teacherNeeded, extraTeacherNames);
            var label = schema[columns.Label.Name];
            var teacher = columns.Teacher is { } t ? schema[t.Name] : (DataViewSchema.Column?)null;
            if (teacher is { } teacherColumn)
                task.CheckTeacherMatchesLabel(teacherColumn, label);
            return new FitColumns(schema[columns.Features.Name], label, teacher, columns, extraTeacherNames, teacherNeeded);
        }
    }

    /// <summary>
    /// Reads the training rows (in memory, or a first pass when streaming) and the validation rows, checks the teacher
    /// against the labels, and says what the reading found: rows left out, unlabelled rows, automatic early stopping.
    /// </summary>
    private PreparedData Prepare(IDataView input, IDataView? validationData, FitColumns fit, int seed, TorchSharp.torch.Device device,
        Action checkAlive, IChannel channel)
    {
        bool sparse = SparseInputs.Chosen(_options, input, fit.Features, fit.FeatureCount);
        var spec = new TrainingReadSpec(_task, fit.Features, fit.Label, fit.Teacher, fit.FeatureCount, fit.OutputCount,
            KeepUnlabelled: LossRecipe.LearnsFromUnlabelledRows(_losses), checkAlive)
        {
            SparseFeatures = sparse,
            ExtraTeacherColumns = fit.Checked.ExtraTeacherColumns.Select(c => (input.Schema[c.Name], c.VectorSize!.Value)).ToArray(),
        };
        var teacherCheck = fit.Teacher is { } teacherColumn
            ? _task.CreateTeacherCheck(teacherColumn, fit.Label, fit.OutputCount, labelsWeigh: LossRecipe.NeedsLabels(_losses)) : null;
        TrainingTable? validationTable = null;
        if (validationData is not null)
        {
            var v = TrainingColumns.Check(validationData.Schema, _options, _task, teacherNeeded: false, extraTeacherColumns: []);
            if (v.Features.VectorSize != fit.FeatureCount || v.OutputCount != fit.OutputCount)
                throw new ArgumentException($"Validation data has {v.Features.VectorSize} features and {v.OutputCount} outputs per row; " +
                    $"training data has {fit.FeatureCount} and {fit.OutputCount}.", nameof(validationData));
            validationTable = TrainingTable.Load(validationData, spec with
            {
                Features = validationData.Schema[v.Features.Name],
                Label = validationData.Schema[v.Label.Name],
                Teacher = null,
                KeepUnlabelled = false,
                ExtraTeacherColumns = [],
            });
        }
        bool hash = _options.CheckpointDirectory is not null;
        var prepared = _options.Streaming
            ? PrepareStreaming(input, spec, teacherCheck, validationTable, seed, device, hash, channel)
            : PrepareInMemory(input, spec, teacherCheck, validationTable, seed, device, hash, channel);
        if (prepared.Skipped > 0)
            channel.Warning(MessageSensitivity.None, $"Left out {prepared.Skipped} rows whose label '{fit.Label.Name}' is missing.");
        if (prepared.Train.UnlabelledRows > 0)
            channel.Info(MessageSensitivity.None, $"{prepared.Train.UnlabelledRows} of {prepared.Train.RowCount} rows have no label: they learn from the teacher's outputs only.");
        return prepared;
    }

    /// <summary>Tells the channel what is about to train and how (and warns about early stopping that cannot happen).</summary>
    private void Announce(PreparedData prepared, FitColumns fit, int epochs, int seed, TorchSharp.torch.Device device, SparseFeatureStep sparseStep,
        IChannel channel)
    {
        var (train, validation) = (prepared.Train, prepared.Validation);
        if (prepared.AutomaticEarlyStopping)
            channel.Info(MessageSensitivity.None, $"Sparse features and {train.RowCount + (validation?.Count ?? 0):N0} rows: holding out {Defaults.AutomaticValidationFraction:P0} " +
                $"of them and stopping after {Defaults.AutomaticEarlyStoppingPatience} epochs without improvement (Options.AutomaticEarlyStopping; set it to false to train on every row).");
        if (_options.EarlyStoppingPatience is not null && validation is null)
            channel.Warning(MessageSensitivity.None, "EarlyStoppingPatience is set but there is no validation data (pass it to Fit or set ValidationFraction); training runs all epochs.");
        channel.Info(MessageSensitivity.None, $"Training {_options.Student.Describe(fit.FeatureCount, fit.OutputCount)} on {train.RowCount} rows " +
            $"({(validation is null ? "no" : validation.Count.ToString())} validation rows" +
            $"{(_options.Streaming ? $", streamed in blocks of {_options.StreamingBlockRows:N0}" : "")}) " +
            $"for {epochs} epochs{(_options.NumberOfEpochs is null ? $" (sized to train on at least {Defaults.MinimumRowsSeen:N0} rows)" : "")}, " +
            $"losses {LossRecipe.Describe(_losses)}, seed {seed}, device {device}" +
            $"{(train.SparseFeatures ? $", {sparseStep} steps on the sparse table (Options.SparseFeatureStep)" : "")}.");
    }

    /// <summary>Runs the training loop on the prepared rows (with this Fit's thread count) and warns about how training went.</summary>
    private StudentTrainingLoop.Result Train(PreparedData prepared, FitColumns fit, int seed, TorchSharp.torch.Device device, Action checkAlive,
        IChannel channel)
    {
        var (train, validation) = (prepared.Train, prepared.Validation);
        var sparseStep = _task.SparseStep(_options);
        int epochs = TrainingLength.Epochs(_options.NumberOfEpochs, train.RowCount);
        Announce(prepared, fit, epochs, seed, device, sparseStep, channel);

        string? checkpointFingerprint = _options.CheckpointDirectory is null ? null
            : CheckpointFingerprint.Of(_task, _options, _losses, epochs, seed, prepared.DataHash!);
        var result = new StudentTrainingLoop
        {
            Task = _task,
            ExtraTeacherColumns = fit.ExtraTeacherNames,
            Architecture = _options.Student,
            Losses = _losses,
            Epochs = epochs,
            BatchSize = _options.BatchSize,
            LearningRate = _options.LearningRate,
            WeightDecay = _options.WeightDecay,
            SparseStep = sparseStep,
            Seed = seed,
            Device = device,
            InputScaling = prepared.Inputs,
            TargetScaling = prepared.Target,
            EarlyStoppingPatience = validation is null ? null
                : prepared.AutomaticEarlyStopping ? Defaults.AutomaticEarlyStoppingPatience : _options.EarlyStoppingPatience,
            TimeBudget = _options.MaximumTrainingTime,
            OnTimeBudgetReached = (done, planned) => channel.Info(MessageSensitivity.None,
                $"Stopped after {done} of {planned} epochs: another epoch would end past Options.MaximumTrainingTime ({_options.MaximumTrainingTime})."),
            CheckAlive = checkAlive,
            CheckpointFingerprint = checkpointFingerprint,
            CheckpointFile = checkpointFingerprint is null ? null : TrainingCheckpoint.PathFor(_options.CheckpointDirectory!, checkpointFingerprint),
            OnWarning = message => channel.Warning(MessageSensitivity.None, message),
            OnEpoch = report =>
            {
                channel.Info(MessageSensitivity.None, report.ToString());
                _options.Progress?.Report(report);
            },
        }.Run(train, validation);

        if (ConvergenceCheck.Undertrained(result.History, epochs) is string warning)
            channel.Warning(MessageSensitivity.None, warning);
        if (Divergence.Exploded(result.History) is string exploded)
            channel.Warning(MessageSensitivity.None, exploded);
        return result;
    }

    /// <summary>The fitted student: the trained layers with the standardisations folded in, and the pipeline that scores with them.</summary>
    private StudentTransformer Build(StudentTrainingLoop.Result result, PreparedData prepared, FitColumns fit, IDataView input, TimeSpan loading,
        IChannel channel)
    {
        bool sparse = prepared.Train.SparseFeatures;
        var model = new StudentModel(_task.Kind, LayerFolding.Fold(result.Layers, prepared.Inputs, prepared.Target),
            _options.Student.Describe(fit.FeatureCount, fit.OutputCount), _options.FeatureColumnName, fit.FeatureCount, fit.OutputCount,
            ColumnAnnotations.TextKeyValues(fit.Label),
                LayerFolding.FoldedInputs(result.Layers, prepared.Inputs))
        {
            SparsePairs = sparse ? SparseInputs.PairsPerRow(_options.MaximumNonZerosPerRow, prepared.MaximumRowNonZeros, fit.FeatureCount) : null,
        };
        if (sparse)
            channel.Info(MessageSensitivity.None, $"Sparse features: at most {prepared.MaximumRowNonZeros:N0} non-zeros in a training row; the saved student reads up to {model.SparsePairs:N0} per row.");
        var pipeline = StudentPipelineFactory.Create(model, result.ParameterCount, fit.Label, input);
        return new StudentTransformer(model, pipeline, result.ParameterCount, result.History, result.BestEpoch,
            new TrainingProfile(loading + prepared.Train.Waiting, result.Training, result.InsideTorch, result.SamplesTrained));
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
            hash ? DataHash.Of(table, validationTable) : null, table.SkippedRows)
        {
            MaximumRowNonZeros = maximumNonZeros,
            AutomaticEarlyStopping = automatic
        };
    }

    /// <summary>One pass over the data before training (see <see cref="StreamingTrainingData"/>); the epochs read it again.</summary>
    private PreparedData PrepareStreaming(IDataView input, TrainingReadSpec spec, TeacherLabelCheck? teacherCheck, TrainingTable? validationTable,
        int seed, TorchSharp.torch.Device device, bool hash, IChannel channel)
    {
        var streaming = new StreamingTrainingData(input, spec, _options.StreamingBlockRows, seed, validationTable is null
            ? _options.ValidationFraction : 0, device);
        try
        {
            var preparation = streaming.Prepare(teacherCheck, _options.Student.StandardizeInputs, _task.StandardizesTarget,
                holdOut: validationTable is null, hash);
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

    /// <summary>
    /// Whether <see cref="DistillationTrainerOptions.AutomaticEarlyStopping"/> applies to a Fit of
    /// <paramref name="rows"/> rows held in memory, <paramref name="labelled"/> of them labelled.
    /// </summary>
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
