namespace MLNet.Distillation;

/// <summary>
/// The settings every distillation trainer shares. Each trainer has its own <c>Options</c> class derived from this one
/// (<see cref="DistillationMulticlassTrainer.Options"/>, ...). The trainer takes a validated copy when it is created:
/// changing an options object afterwards does not change a trainer built from it.
/// </summary>
public abstract class DistillationTrainerOptions
{
    /// <summary>The label column. Default <c>Label</c>.</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>The known-size float-vector feature column the student reads. Default <c>Features</c>.</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>
    /// The teacher's outputs, written by <c>TeacherScore</c>. Default <c>TeacherLogits</c>; null trains from labels
    /// alone (the baseline every distilled student should be compared with).
    /// </summary>
    public string? TeacherColumnName { get; set; } = DefaultColumnNames.TeacherLogits;

    /// <summary>
    /// Softening temperature T of the soft-target terms (the default for any recipe term that sets none). Default 4; must be
    /// in (0, 100] (softened targets are flat long before 100, and far above it the soft term vanishes or overflows).
    /// </summary>
    public float Temperature { get; set; } = Defaults.Temperature;

    /// <summary>
    /// <b>Weight of the hard-label term</b>; the soft-target term gets 1 − alpha. Default 0.1. Used only by the default
    /// recipe: when <see cref="Losses"/> is set, give every term its weight there and leave Alpha at its default.
    /// </summary>
    public float Alpha { get; set; } = Defaults.Alpha;

    /// <summary>
    /// The loss recipe: terms by name, weight and settings (see <see cref="LossNames"/>). Null uses the task's default,
    /// <c>alpha · hard-label term + (1 − alpha) · soft-target term</c>. Without a teacher column only label terms may appear.
    /// </summary>
    public IReadOnlyList<LossTerm>? Losses { get; set; }

    /// <summary>The student network. Default an MLP with one hidden layer of 64 units.</summary>
    public StudentArchitecture Student { get; set; } = new MlpStudent();

    /// <summary>
    /// Passes over the training data. Null (the default) sizes training by rows seen: at least 20 epochs and at least
    /// 192,000 rows counting every pass (so a few hundred rows get hundreds of epochs, and 60,000 rows get 20), at most
    /// 2,000 epochs.
    /// </summary>
    public int? NumberOfEpochs { get; set; }

    /// <summary>Rows per mini-batch. Default 256 (chosen by measurement, with the learning rate: see the speed benchmark).</summary>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>AdamW learning rate. Default 2e-3.</summary>
    public float LearningRate { get; set; } = Defaults.LearningRate;

    /// <summary>AdamW decoupled weight decay. Default 0.</summary>
    public float WeightDecay { get; set; }

    /// <summary>Seed for initialisation, dropout, shuffling and the validation split; null draws one from the MLContext's seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Share of the labelled training rows held out for validation (0 = none). Ignored when Fit is given validation data.</summary>
    public float ValidationFraction { get; set; }

    /// <summary>
    /// Stop after this many epochs without a better validation result (needs validation data); null never stops early.
    /// An epoch counts as better when it raises the validation accuracy (regression: lowers the loss) or lowers the
    /// validation loss below every earlier epoch's: a classifier's accuracy can stall for several epochs while its loss still
    /// falls. With validation data the student keeps the weights of its best epoch (by accuracy, ties by loss).
    /// </summary>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>
    /// Trains from the data view block by block on every epoch instead of reading it into memory once: memory stays flat
    /// (two blocks of <see cref="StreamingBlockRows"/> rows, plus the validation rows) however many rows the data holds.
    /// Default false. Costs one extra pass before training (counting, standardisation statistics, the teacher check) and a
    /// read of the data on every epoch (on another thread, overlapped with training). Rows are shuffled within each block;
    /// when the data view can shuffle (ML.NET binary files from <c>LoadFromBinary</c>, cached views) each epoch also reads
    /// it in a seeded random order. A source that cannot shuffle is read in its order, and a warning is logged when its
    /// blocks' labels look sorted or drifting. A teacher column computed by <c>TeacherScore</c> is scored again on every
    /// epoch unless TeacherScore keeps a cache (<c>CacheDirectory</c>) or the teacher's outputs were saved with the data.
    /// With <see cref="ValidationFraction"/>, each labelled row is held out with that probability (a seeded hash of its row
    /// id) and the held-out rows are kept in memory. Every epoch must read the rows the pass before training read, in any
    /// order: a source whose rows change (count, or features and labels by fingerprint) stops the Fit at the end of that
    /// epoch with an error naming it. Unless <see cref="NumberOfThreads"/> is set, libtorch trains on one
    /// core fewer than the machine has, leaving one to the reading thread.
    /// </summary>
    public bool Streaming { get; set; }

    /// <summary>Rows per block when <see cref="Streaming"/>. Default 65,536.</summary>
    public int StreamingBlockRows { get; set; } = Defaults.StreamingBlockRows;

    /// <summary>
    /// Whether the student trains on the feature column's non-zeros only, never densifying a row (a bag of n-grams from
    /// <c>FeaturizeText</c> is 235,000 values wide and holds a few thousand non-zeros). Null (the default) decides from the
    /// data: sparse when the student can read sparse rows (<see cref="MlpStudent"/>, <see cref="FastTextStudent"/>), the
    /// column is at least <see cref="Defaults.SparseFeaturesMinimumWidth"/> wide and its first row comes sparse (ML.NET
    /// keeps a text featurisation's rows sparse; concatenated numeric columns come dense). True forces it (refused for a
    /// student that reads dense rows only), false densifies as before. The fitted student is the same function either way;
    /// its saved form reads each row's (slot, value) pairs, at most <see cref="MaximumNonZerosPerRow"/> of them.
    /// Sparse inputs are scaled by each slot's largest absolute value when the student standardises its inputs, never centred.
    /// </summary>
    public bool? SparseFeatures { get; set; }

    /// <summary>
    /// With sparse features: how AdamW scales the steps of the student's first-layer weight table (see
    /// <see cref="Distillation.SparseFeatureStep"/>). Null (the default) is <see cref="SparseFeatureStep.TableWide"/> for an
    /// <see cref="MlpStudent"/> (linear or with hidden layers) in multiclass classification, and
    /// <see cref="SparseFeatureStep.PerWeight"/> otherwise (binary classification, regression, <see cref="FastTextStudent"/>),
    /// chosen by measurement on the text benchmark (docs/articles/benchmarks/text.md): on Jane Austen's six novels a linear student distilled
    /// with per-weight steps fell below the same student trained on labels alone (0.858 against 0.879 accuracy, seed 1)
    /// and reaches 0.923 with table-wide steps (0.927 from labels); there the fastText student lost with table-wide steps
    /// (0.83 against 0.92 from labels), and on the binary fine-food reviews per-weight steps are 0.01–0.03 AUC better.
    /// Other data may prefer the other one. Dense features and the layers after the first always take per-weight AdamW
    /// steps, so a multiclass Fit on sparse features trains differently from the same Fit densified unless this is
    /// <see cref="SparseFeatureStep.PerWeight"/>.
    /// </summary>
    public SparseFeatureStep? SparseFeatureStep { get; set; }

    /// <summary>
    /// With sparse features: the most non-zero values a row may hold when the saved student scores it, or null (the
    /// default) for twice the most any training row held, rounded up to a power of two (and at most the vector's
    /// width). ML.NET's ONNX stage reads fixed-size columns, so the saved model carries room for this many (slot, value)
    /// pairs per row and scores only the ones a row holds; a row with more is refused with an error naming the column,
    /// never truncated.
    /// </summary>
    public int? MaximumNonZerosPerRow { get; set; }

    /// <summary>
    /// Early stopping where text students need it and users forget it: with sparse features (<see cref="SparseFeatures"/>),
    /// fewer than <see cref="Defaults.AutomaticEarlyStoppingRows"/> training rows held in memory (at least
    /// <see cref="Defaults.AutomaticEarlyStoppingMinimumLabelledRows"/> of them labelled), no validation data passed
    /// to Fit and neither <see cref="ValidationFraction"/> nor <see cref="EarlyStoppingPatience"/> set, the trainer holds out
    /// <see cref="Defaults.AutomaticValidationFraction"/> of the labelled rows and stops after
    /// <see cref="Defaults.AutomaticEarlyStoppingPatience"/> epochs without a better validation result, keeping its best
    /// epoch (a first layer with one weight row per n-gram has more parameters than a small data set has rows, and
    /// overfits within a few epochs). Written to the log when it applies. Default true; false trains on every row for
    /// every epoch, as for dense features.
    /// </summary>
    public bool AutomaticEarlyStopping { get; set; } = true;

    /// <summary>TorchSharp device: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. Default <c>cpu</c>.</summary>
    public string Device { get; set; } = Defaults.Device;

    /// <summary>
    /// Threads libtorch trains with (the student depends on it: sums run in another order on more threads). Null takes
    /// the count libtorch had before the process's first distillation Fit (every core unless <c>OMP_NUM_THREADS</c> or the
    /// application said otherwise; a later <c>torch.set_num_threads</c> does not change it: set this option instead), and
    /// with <see cref="Streaming"/> one fewer, for the reading thread. Each Fit sets its count on its own thread and
    /// restores that thread's previous count, so Fits with different counts may run at once.
    /// </summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>
    /// A folder in which to keep a checkpoint after every epoch (weights, optimizer and random state, history), or null for
    /// none. A Fit with the same options and data after a crash or a kill resumes from the last finished epoch and ends
    /// with the same student, bit for bit, as an uninterrupted run (on one machine, with the same thread count). Each run
    /// (options and data) has its own file, so one folder serves many runs; a finished run's file stays, so fitting it
    /// again returns at once.
    /// </summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>
    /// Stops this trainer's Fit before its next mini-batch (or block of rows being read) with an
    /// <see cref="OperationCanceledException"/>; nothing is written but the last finished epoch's checkpoint. Cancelling
    /// the whole MLContext (<c>mlContext.Distillation.CancelExecution()</c>) stops it too.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Receives a report after every epoch (also written to <c>mlContext.Log</c>).</summary>
    public IProgress<EpochReport>? Progress { get; set; }

    /// <summary>
    /// A time budget for the epochs, or null (the default) for none. Unlike <see cref="CancellationToken"/>, which throws
    /// and produces no student, the budget ends training at an epoch boundary and keeps the student: after each epoch,
    /// training stops when one more epoch, at the mean duration of the epochs run so far, would end past the budget
    /// (counted from the first epoch's start; reading the rows and scoring the teacher before it are not counted). At least
    /// one epoch always runs. With validation data the student keeps its best epoch, as with early stopping. The stop is
    /// written to <c>mlContext.Log</c> and shows as a <see cref="StudentTransformer.TrainingHistory"/> shorter than the
    /// epochs asked for. A time-dependent stop is not reproducible bit for bit; it is not written into checkpoints, so a
    /// run resumed from <see cref="CheckpointDirectory"/> with a larger budget trains on.
    /// </summary>
    public TimeSpan? MaximumTrainingTime { get; set; }

    /// <summary>The task of the trainer these options are for.</summary>
    public abstract DistillationTask Task { get; }

    /// <summary>
    /// The options of <paramref name="task"/>'s trainer at their defaults (<see cref="DistillationBinaryTrainer.Options"/>,
    /// <see cref="DistillationMulticlassTrainer.Options"/> or <see cref="DistillationRegressionTrainer.Options"/>), for
    /// code that trains without knowing the task in advance; <see cref="DistillationCatalog.Trainer"/> builds the trainer.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is not a task the library trains.</exception>
    public static DistillationTrainerOptions ForTask(DistillationTask task)
        => TrainingTask.Find(task)?.NewOptions() ?? throw new ArgumentOutOfRangeException(nameof(task), $"No distillation trainer for task {task}.");

    /// <summary>
    /// The epochs a Fit on <paramref name="trainingRows"/> rows runs (before any early stop): <see cref="NumberOfEpochs"/>
    /// when set, otherwise sized by rows seen as <see cref="NumberOfEpochs"/> describes.
    /// </summary>
    /// <param name="trainingRows">Rows the Fit trains on (the validation rows excluded).</param>
    public int EpochsFor(long trainingRows) => TrainingLength.Epochs(NumberOfEpochs, trainingRows);

    /// <summary>The trainer of these options' task (see <see cref="DistillationCatalog.Trainer"/>).</summary>
    internal abstract IDistillationTrainer CreateTrainer(Microsoft.ML.MLContext mlContext);

    /// <summary>
    /// The temperature and alpha search of these options' task (see
    /// <see cref="DistillationCatalog.SearchTemperatureAndAlpha(Microsoft.ML.IDataView, DistillationTrainerOptions, DistillationSearchOptions?)"/>).
    /// </summary>
    internal abstract DistillationSearchResult Search(Microsoft.ML.MLContext mlContext, Microsoft.ML.IDataView data,
        DistillationSearchOptions? search);

    /// <summary>A copy that shares nothing mutable with this object (the student architecture is copied too).</summary>
    internal DistillationTrainerOptions Copy()
    {
        var copy = (DistillationTrainerOptions)MemberwiseClone();
        copy.Student = Student?.Copy()!;
        copy.Losses = Losses?.ToArray();
        return copy;
    }

    /// <summary>Checks every setting, naming the option at fault.</summary>
    internal virtual void Validate()
    {
        static void Require(bool ok, string option, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(option, $"Options.{option} {rule}.");
        }
        Require(!string.IsNullOrEmpty(LabelColumnName), nameof(LabelColumnName), "must name a column");
        Require(!string.IsNullOrEmpty(FeatureColumnName), nameof(FeatureColumnName), "must name a column");
        Require(TeacherColumnName is null || TeacherColumnName.Length > 0, nameof(TeacherColumnName), "must name a column, or be null to train from labels alone");
        Require(Defaults.IsValidTemperature(Temperature), nameof(Temperature), $"must be in {Defaults.TemperatureRange}, not {Temperature}");
        Require(Alpha is >= 0 and <= 1, nameof(Alpha), $"must be in [0, 1], not {Alpha}");
        Require(NumberOfEpochs is null or > 0, nameof(NumberOfEpochs), $"must be positive, or null to size training by rows seen, not {NumberOfEpochs}");
        Require(BatchSize > 0, nameof(BatchSize), $"must be positive, not {BatchSize}");
        Require(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), $"must be positive and finite, not {LearningRate}");
        Require(WeightDecay >= 0 && float.IsFinite(WeightDecay), nameof(WeightDecay), $"must be finite and ≥ 0, not {WeightDecay}");
        Require(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), $"must be in [0, 1), not {ValidationFraction}");
        Require(EarlyStoppingPatience is null or > 0, nameof(EarlyStoppingPatience), $"must be positive, not {EarlyStoppingPatience}");
        Require(StreamingBlockRows > 0, nameof(StreamingBlockRows), $"must be positive, not {StreamingBlockRows}");
        Require(MaximumTrainingTime is null || MaximumTrainingTime > TimeSpan.Zero, nameof(MaximumTrainingTime), $"must be positive, or null for no budget, not {MaximumTrainingTime}");
        Require(MaximumNonZerosPerRow is null or > 0, nameof(MaximumNonZerosPerRow), $"must be positive, or null to size it from the training rows, not {MaximumNonZerosPerRow}");
        Require(SparseFeatures != true || Student is null || Student.ReadsSparseInputs, nameof(SparseFeatures),
            $"is true, but the student ({Student?.GetType().Name}) reads dense rows only; use MlpStudent or FastTextStudent, or leave SparseFeatures unset");
        Require(SparseFeatures != false || Student is not FastTextStudent, nameof(SparseFeatures),
            "is false, but FastTextStudent reads sparse n-gram vectors only; leave SparseFeatures unset or true");
        Require(SparseFeatureStep is null || Enum.IsDefined(SparseFeatureStep.Value), nameof(SparseFeatureStep),
            $"must be {nameof(Distillation.SparseFeatureStep.PerWeight)} or {nameof(Distillation.SparseFeatureStep.TableWide)}, or null for the student's default, not {(int?)SparseFeatureStep}");
        Require(NumberOfThreads is null or > 0, nameof(NumberOfThreads), $"must be positive, not {NumberOfThreads}");
        Require(Student is not null, nameof(Student), "must be set");
        Require(CheckpointDirectory is null || CheckpointDirectory.Length > 0, nameof(CheckpointDirectory), "must name a folder, or be null for no checkpoints");
        Require(Losses is null || Losses.All(l => l is not null), nameof(Losses), "must not hold null entries");
        Require(Losses is null || Alpha == Defaults.Alpha, nameof(Alpha),
            $"is {Alpha}, but Options.Losses is set too: Alpha only weights the default recipe. Give each term of Options.Losses its weight and leave Alpha at its default ({Defaults.Alpha})");
    }
}
