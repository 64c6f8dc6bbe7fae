using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Distillation.Deployment;
using MLNet.Distillation.Losses;
using MLNet.Distillation.Students;
using TorchSharp;

namespace MLNet.Distillation.Training;

/// <summary>
/// Trains a TorchSharp student on <c>alpha · CE(student, label) + (1 − alpha) · T² · KL(softmax(teacher/T) ‖ softmax(student/T))</c>
/// (KL summed over classes, averaged over the batch). <b>Alpha weights the hard-label term.</b>
/// Without a teacher column (<see cref="Options.TeacherColumnName"/> = null) it trains from labels alone: the
/// baseline to compare every distilled student with. The result is a <see cref="StudentTransformer"/>.
/// </summary>
public sealed class DistillationTrainer : IEstimator<StudentTransformer>
{
    /// <summary>Options of <see cref="DistillationTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>The key-typed label column. Default <c>Label</c>.</summary>
        public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

        /// <summary>The known-size float-vector feature column the student reads. Default <c>Features</c>.</summary>
        public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

        /// <summary>The teacher-logits column written by TeacherScore. Default <c>TeacherLogits</c>; null trains from labels alone.</summary>
        public string? TeacherColumnName { get; set; } = DefaultColumnNames.TeacherLogits;

        /// <summary>Softening temperature T of the soft-target term. Default 4.</summary>
        public float Temperature { get; set; } = 4f;

        /// <summary>Weight of the hard-label cross-entropy; the soft-target term gets 1 − alpha. Default 0.1.</summary>
        public float Alpha { get; set; } = 0.1f;

        /// <summary>The student network. Default an MLP with one hidden layer of 64 units.</summary>
        public StudentArchitecture Student { get; set; } = new MlpStudent();

        /// <summary>Extra loss terms added to the total with their weights (feature, relation or custom terms).</summary>
        public IList<WeightedLoss> AdditionalLosses { get; set; } = [];

        /// <summary>Passes over the training data. Default 20.</summary>
        public int NumberOfEpochs { get; set; } = 20;

        /// <summary>Rows per mini-batch. Default 64.</summary>
        public int BatchSize { get; set; } = 64;

        /// <summary>AdamW learning rate. Default 1e-3.</summary>
        public float LearningRate { get; set; } = 1e-3f;

        /// <summary>AdamW decoupled weight decay. Default 0.</summary>
        public float WeightDecay { get; set; }

        /// <summary>Seed for initialisation, dropout and shuffling; null draws one from the MLContext's seed.</summary>
        public int? Seed { get; set; }

        /// <summary>Share of the training rows held out for validation (0 = none). Ignored when Fit is given validation data.</summary>
        public float ValidationFraction { get; set; }

        /// <summary>Stop after this many epochs without a better validation accuracy (needs validation data); null never stops early.
        /// With validation data the student keeps the weights of its best epoch.</summary>
        public int? EarlyStoppingPatience { get; set; }

        /// <summary>TorchSharp device: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. Default <c>cpu</c>.</summary>
        public string Device { get; set; } = "cpu";

        /// <summary>Threads TorchSharp may use while training; null leaves TorchSharp's setting.</summary>
        public int? NumberOfThreads { get; set; }

        /// <summary>Receives a report after every epoch (also written to <c>mlContext.Log</c>).</summary>
        public IProgress<EpochReport>? Progress { get; set; }
    }

    private readonly MLContext _mlContext;
    private readonly Options _options;

    internal DistillationTrainer(MLContext mlContext, Options options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _mlContext = mlContext;
        _options = options;
    }

    /// <summary>Trains the student on <paramref name="input"/>.</summary>
    /// <param name="input">Training data with the label, feature and (unless disabled) teacher columns.</param>
    public StudentTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains the student, measuring accuracy on <paramref name="validationData"/> after every epoch.</summary>
    /// <param name="input">Training data.</param>
    /// <param name="validationData">Data with the same label and feature columns (the teacher column is not needed), or null.</param>
    public StudentTransformer Fit(IDataView input, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(input);
        var columns = ResolveColumns(input.Schema);
        var host = ((IHostEnvironment)_mlContext).Register(nameof(DistillationTrainer));
        int seed = _options.Seed ?? host.Rand.Next();
        using var channel = host.Start("Training");

        var device = ResolveDevice(_options.Device);
        var losses = BuildLosses(columns.Teacher is not null);
        // With alpha = 1 and no other teacher term the teacher column is not read at all: scoring it would be wasted work.
        var teacherColumn = losses.Any(l => l.Loss.NeedsTeacher) ? columns.Teacher : null;

        var loading = System.Diagnostics.Stopwatch.StartNew();
        var table = TrainingTable.Load(input, columns.Features, columns.Label, teacherColumn, columns.FeatureCount, columns.ClassCount);
        if (table.SkippedRows > 0)
            channel.Warning(MessageSensitivity.None, $"Left out {table.SkippedRows} rows whose label '{_options.LabelColumnName}' is missing.");
        if (table.RowCount == 0)
            throw new InvalidOperationException($"The training data has no rows with a label in column '{_options.LabelColumnName}'.");
        if (table.UnlabelledRows > 0)
            channel.Info(MessageSensitivity.None, $"{table.UnlabelledRows} of {table.RowCount} rows have no label: they learn from the teacher's logits only.");

        TrainingTable? validation = null;
        if (validationData is not null)
        {
            var v = ResolveColumns(validationData.Schema, requireTeacher: false);
            if (v.FeatureCount != columns.FeatureCount || v.ClassCount != columns.ClassCount)
                throw new ArgumentException($"Validation data has {v.FeatureCount} features and {v.ClassCount} classes; training data has {columns.FeatureCount} and {columns.ClassCount}.", nameof(validationData));
            validation = TrainingTable.Load(validationData, v.Features, v.Label, null, v.FeatureCount, v.ClassCount);
        }
        else if (_options.ValidationFraction > 0)
            (table, validation) = Split(table, _options.ValidationFraction, seed);

        loading.Stop();
        if (_options.EarlyStoppingPatience is not null && validation is null)
            channel.Warning(MessageSensitivity.None, "EarlyStoppingPatience is set but there is no validation data (pass it to Fit or set ValidationFraction); training runs all epochs.");
        string architecture = _options.Student.Describe(columns.FeatureCount, columns.ClassCount);
        channel.Info(MessageSensitivity.None, $"Training {architecture} on {table.RowCount} rows ({(validation is null ? "no" : validation.RowCount.ToString())} validation rows), " +
            $"losses {string.Join(" + ", losses.Select(l => $"{l.Weight:0.###}·{l.Loss.Name}"))}, T={_options.Temperature}, seed {seed}, device {device}.");

        int previousThreads = torch.get_num_threads();
        if (_options.NumberOfThreads is int threads)
            torch.set_num_threads(threads);
        StudentTrainingLoop.Result result;
        try
        {
            result = new StudentTrainingLoop
            {
                Architecture = _options.Student,
                Losses = losses,
                Epochs = _options.NumberOfEpochs,
                BatchSize = _options.BatchSize,
                LearningRate = _options.LearningRate,
                WeightDecay = _options.WeightDecay,
                Seed = seed,
                Device = device,
                EarlyStoppingPatience = validation is null ? null : _options.EarlyStoppingPatience,
                OnEpoch = report =>
                {
                    channel.Info(MessageSensitivity.None, report.ToString());
                    _options.Progress?.Report(report);
                },
            }.Run(table, validation);
        }
        finally
        {
            if (_options.NumberOfThreads is not null)
                torch.set_num_threads(previousThreads);
        }

        var pipeline = StudentPipelineFactory.Create(_mlContext, result.Layers, columns.FeatureCount, columns.Label, columns.ClassCount,
            _options.FeatureColumnName, input);
        return new StudentTransformer(pipeline, result.Layers, architecture, _options.FeatureColumnName, columns.FeatureCount,
            columns.ClassCount, result.ParameterCount, result.History, result.BestEpoch, TextKeyValues(columns.Label),
            new TrainingProfile(loading.Elapsed, result.Training, result.InsideTorch, result.SamplesTrained));
    }

    /// <summary>The input shape plus <c>Score</c> and <c>PredictedLabel</c>; throws naming the column when an input column is missing or of the wrong type.</summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var features = Internal.SchemaShapes.Find(inputSchema, _options.FeatureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{_options.FeatureColumnName}' was not found in the data.");
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{_options.FeatureColumnName}' must be a known-size vector of Single.");
        var label = Internal.SchemaShapes.Find(inputSchema, _options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Label column '{_options.LabelColumnName}' was not found in the data.");
        if (!label.IsKey)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Label column '{_options.LabelColumnName}' must be a key type; map it with mlContext.Transforms.Conversion.MapValueToKey(\"{_options.LabelColumnName}\").");
        if (_options.TeacherColumnName is string teacherName && Internal.SchemaShapes.Find(inputSchema, teacherName) is null && _options.Alpha < 1)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher column '{teacherName}' was not found in the data; add mlContext.Transforms.TeacherScore(...) before the trainer, or set TeacherColumnName = null to train from labels alone.");

        var builder = new DataViewSchema.Builder();
        builder.AddColumn(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, 1));
        builder.AddColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), 1));
        return Internal.SchemaShapes.Append(inputSchema, builder.ToSchema());
    }

    private sealed record Columns(DataViewSchema.Column Features, DataViewSchema.Column Label, DataViewSchema.Column? Teacher, int FeatureCount, int ClassCount);

    private Columns ResolveColumns(DataViewSchema schema, bool requireTeacher = true)
    {
        var features = schema.GetColumnOrNull(_options.FeatureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{_options.FeatureColumnName}' was not found in the data (columns: {VisibleColumns(schema)}).");
        if (features.Type is not VectorDataViewType { ItemType: var featureItem, IsKnownSize: true, Size: var featureCount } || featureItem != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{_options.FeatureColumnName}' must be a known-size vector of Single, but is {features.Type}. " +
                "Use mlContext.Transforms.Concatenate to build one.");

        var label = schema.GetColumnOrNull(_options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{_options.LabelColumnName}' was not found in the data (columns: {VisibleColumns(schema)}).");
        if (label.Type is not KeyDataViewType { Count: > 0 and <= int.MaxValue } key || key.RawType != typeof(uint))
            throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{_options.LabelColumnName}' must be a UInt32 key type, but is {label.Type}; " +
                $"map it with mlContext.Transforms.Conversion.MapValueToKey(\"{_options.LabelColumnName}\").");
        int classCount = (int)key.Count;
        if (classCount < 2)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{_options.LabelColumnName}' has {classCount} class; at least 2 are needed.");

        DataViewSchema.Column? teacher = null;
        if (requireTeacher && _options.TeacherColumnName is string teacherName)
        {
            teacher = schema.GetColumnOrNull(teacherName)
                ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Teacher column '{teacherName}' was not found in the data; add mlContext.Transforms.TeacherScore(...) before the trainer, " +
                    "or set TeacherColumnName = null to train from labels alone.");
            if (teacher.Value.Type is not VectorDataViewType { ItemType: var teacherItem, Size: var teacherSize } || teacherItem != NumberDataViewType.Single || teacherSize != classCount)
                throw new ArgumentOutOfRangeException(nameof(schema), $"Teacher column '{teacherName}' must be a vector of {classCount} Single values (one per class of '{_options.LabelColumnName}'), but is {teacher.Value.Type}.");
            CheckClassOrder(teacher.Value, label);
        }
        return new Columns(features, label, teacher, featureCount, classCount);
    }

    /// <summary>A teacher whose classes are in another order than the label's keys would teach the wrong classes, silently.</summary>
    private void CheckClassOrder(DataViewSchema.Column teacher, DataViewSchema.Column label)
    {
        if (!teacher.HasSlotNames() || label.Annotations.Schema.GetColumnOrNull("KeyValues")?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return;
        VBuffer<ReadOnlyMemory<char>> slots = default;
        teacher.GetSlotNames(ref slots);
        var slotNames = slots.DenseValues().Select(s => s.ToString()).ToArray();
        var keyNames = TextKeyValues(label)!;
        if (slotNames.All(string.IsNullOrEmpty) || slotNames.SequenceEqual(keyNames))
            return;
        throw new ArgumentOutOfRangeException(nameof(teacher), $"Teacher column '{teacher.Name}' lists its classes as [{string.Join(", ", slotNames)}], " +
            $"but label '{label.Name}' orders them [{string.Join(", ", keyNames)}]. Map the label with the same key order the teacher was trained with " +
            "(e.g. reuse the teacher pipeline's MapValueToKey, or MapValueToKey with keyData).");
    }

    private static string[]? TextKeyValues(DataViewSchema.Column label)
    {
        if (label.Annotations.Schema.GetColumnOrNull("KeyValues")?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return null;
        VBuffer<ReadOnlyMemory<char>> keys = default;
        label.Annotations.GetValue("KeyValues", ref keys);
        return keys.DenseValues().Select(k => k.ToString()).ToArray();
    }

    private List<WeightedLoss> BuildLosses(bool hasTeacher)
    {
        var settings = new LossSettings { Temperature = _options.Temperature };
        var losses = new List<WeightedLoss>();
        if (!hasTeacher)
            losses.Add(new WeightedLoss(LossRegistry.Create(CrossEntropyLoss.RegistryName, settings), 1f));
        else
        {
            if (_options.Alpha > 0)
                losses.Add(new WeightedLoss(LossRegistry.Create(CrossEntropyLoss.RegistryName, settings), _options.Alpha));
            if (_options.Alpha < 1)
                losses.Add(new WeightedLoss(LossRegistry.Create(SoftTargetKLDivergenceLoss.RegistryName, settings), 1 - _options.Alpha));
        }
        foreach (var extra in _options.AdditionalLosses)
        {
            if (extra.Loss.NeedsTeacher && !hasTeacher)
                throw new InvalidOperationException($"Additional loss '{extra.Loss.Name}' needs teacher logits, but TeacherColumnName is null.");
            losses.Add(extra);
        }
        return losses;
    }

    /// <summary>Holds out a share of the labelled rows (unlabelled ones cannot measure accuracy) for validation.</summary>
    private static (TrainingTable Train, TrainingTable Validation) Split(TrainingTable table, float fraction, int seed)
    {
        var labelled = Enumerable.Range(0, table.RowCount).Where(i => table.Labels![i] >= 0).ToArray();
        new Random(unchecked(seed * 31 + 7)).Shuffle(labelled);
        int validationRows = Math.Max(1, (int)Math.Round(labelled.Length * fraction));
        if (validationRows >= labelled.Length)
            throw new ArgumentOutOfRangeException(nameof(fraction), $"ValidationFraction {fraction} leaves no labelled training rows out of {labelled.Length}.");
        var validation = labelled[..validationRows];
        var held = validation.ToHashSet();
        return (table.Subset(Enumerable.Range(0, table.RowCount).Where(i => !held.Contains(i)).ToArray()), table.Subset(validation));
    }

    private static torch.Device ResolveDevice(string device)
    {
        var kind = device?.Split(':')[0].Trim().ToLowerInvariant();
        if (kind is not ("cpu" or "cuda"))
            throw new ArgumentException($"Options.Device '{device}' is not supported; use 'cpu', 'cuda' or 'cuda:N'.", nameof(device));
        // Ask before touching the device: TorchSharp throws from deep inside its initialisation otherwise.
        if (kind == "cuda" && !torch.cuda.is_available())
            throw new InvalidOperationException($"Options.Device is '{device}' but CUDA is not available to TorchSharp here " +
                "(the TorchSharp-cpu package has no CUDA support; reference TorchSharp-cuda-linux or TorchSharp-cuda-windows on a machine with a GPU).");
        try { return torch.device(device!); }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        { throw new ArgumentException($"Options.Device '{device}' is not a TorchSharp device: {e.Message}", nameof(device), e); }
    }

    private static void Validate(Options o)
    {
        static void Require(bool ok, string option, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(option, $"{nameof(Options)}.{option} {rule}.");
        }
        ArgumentException.ThrowIfNullOrEmpty(o.LabelColumnName, $"{nameof(Options)}.{nameof(Options.LabelColumnName)}");
        ArgumentException.ThrowIfNullOrEmpty(o.FeatureColumnName, $"{nameof(Options)}.{nameof(Options.FeatureColumnName)}");
        Require(o.Temperature > 0 && float.IsFinite(o.Temperature), nameof(Options.Temperature), $"must be positive and finite, not {o.Temperature}");
        Require(o.Alpha is >= 0 and <= 1, nameof(Options.Alpha), $"must be in [0, 1], not {o.Alpha}");
        Require(o.NumberOfEpochs > 0, nameof(Options.NumberOfEpochs), $"must be positive, not {o.NumberOfEpochs}");
        Require(o.BatchSize > 0, nameof(Options.BatchSize), $"must be positive, not {o.BatchSize}");
        Require(o.LearningRate > 0 && float.IsFinite(o.LearningRate), nameof(Options.LearningRate), $"must be positive, not {o.LearningRate}");
        Require(o.WeightDecay >= 0, nameof(Options.WeightDecay), $"must be ≥ 0, not {o.WeightDecay}");
        Require(o.ValidationFraction is >= 0 and < 1, nameof(Options.ValidationFraction), $"must be in [0, 1), not {o.ValidationFraction}");
        Require(o.EarlyStoppingPatience is null or > 0, nameof(Options.EarlyStoppingPatience), $"must be positive, not {o.EarlyStoppingPatience}");
        Require(o.NumberOfThreads is null or > 0, nameof(Options.NumberOfThreads), $"must be positive, not {o.NumberOfThreads}");
        Require(o.Student is not null, nameof(Options.Student), "must be set");
        Require(o.AdditionalLosses is not null && o.AdditionalLosses.All(l => l is not null && l.Weight >= 0), nameof(Options.AdditionalLosses), "must hold non-null terms with weights ≥ 0");
    }

    private static string VisibleColumns(DataViewSchema schema) => string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name));
}
