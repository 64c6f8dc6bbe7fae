using Microsoft.ML;
using MLNet.Distillation.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Helpers for distilled models, reached as <c>mlContext.Distillation</c>. The trainers themselves sit where ML.NET users
/// look for trainers: <c>mlContext.MulticlassClassification.Trainers.Distillation(...)</c>.
/// </summary>
public sealed class DistillationCatalog
{
    private readonly MLContext _mlContext;

    internal DistillationCatalog(MLContext mlContext) => _mlContext = mlContext;

    /// <summary>
    /// Saves the student part of a fitted pipeline (<see cref="ModelExtensions.Student"/>: teacher stages dropped) as an
    /// ML.NET model .zip. The file is written under a temporary name and renamed, so a failure leaves any earlier file intact.
    /// </summary>
    /// <param name="model">The fitted pipeline or student.</param>
    /// <param name="inputSchema">The schema of the data the model takes (e.g. <c>trainData.Schema</c>).</param>
    /// <param name="path">The .zip to write.</param>
    public void SaveStudent(ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var student = model.Student();
        AtomicFile.Write(path, stream => _mlContext.Model.Save(student, inputSchema, stream));
    }

    /// <summary>
    /// Cancels everything running in this MLContext, through ML.NET's own mechanism (which ML.NET 5 keeps internal): a
    /// distillation Fit stops before its next mini-batch (or block of rows being read) with an
    /// <see cref="OperationCanceledException"/> and writes nothing. As in ML.NET, the context stays cancelled; use a new
    /// MLContext afterwards. To stop one Fit only, set <see cref="DistillationTrainerOptions.CancellationToken"/> instead.
    /// </summary>
    public void CancelExecution() => ContextCancellation.Cancel(_mlContext);

    /// <summary>
    /// Reads several ML.NET binary files written from one pipeline (the shards of a teacher-scoring job array, see
    /// <see cref="SaveBinaryShard"/>) as one data view, for training: with
    /// <see cref="DistillationTrainerOptions.Streaming"/> none of them is held in memory. Rows come shard after shard;
    /// a shuffled cursor (the streaming trainer asks for one) visits the shards in a seeded random order and shuffles
    /// within each. Every shard must have the same columns, types and label key values (refused otherwise, naming the
    /// file and the column).
    /// </summary>
    /// <param name="paths">The shard files, in the order an unshuffled cursor reads them.</param>
    /// <exception cref="FileNotFoundException">A shard does not exist (the message names it).</exception>
    /// <exception cref="InvalidDataException">A shard is not an ML.NET binary file, or its schema differs from the first's.</exception>
    public IDataView LoadBinaryShards(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new BinaryShards(_mlContext, paths);
    }

    /// <summary>
    /// Reads several ML.NET binary files written from one pipeline as one data view (see
    /// <see cref="LoadBinaryShards(string[])"/>).
    /// </summary>
    /// <param name="paths">The shard files, for instance <c>Directory.GetFiles(folder, "*.idv").Order()</c>.</param>
    public IDataView LoadBinaryShards(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return LoadBinaryShards([.. paths]);
    }

    /// <summary>
    /// Writes <paramref name="data"/> (for instance a shard of the training data with its <c>TeacherScore</c> column) as an
    /// ML.NET binary file, under a temporary name renamed when complete: a worker killed mid-write leaves no partial
    /// shard for <see cref="LoadBinaryShards(string[])"/> to read. Select the columns training needs first
    /// (<c>mlContext.Transforms.SelectColumns</c>) to keep shards small.
    /// </summary>
    /// <param name="data">The rows to write; every column is written, hidden ones excepted.</param>
    /// <param name="path">The file to write; its folder must exist.</param>
    public void SaveBinaryShard(IDataView data, string path)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream => _mlContext.Data.SaveAsBinary(data, stream));
    }

    /// <summary>
    /// Scores shard <paramref name="shardIndex"/> of <paramref name="shardCount"/> of <paramref name="data"/> with
    /// <paramref name="teacher"/> and writes it to <paramref name="directory"/> as <c>shard-NNNNN-of-NNNNN.idv</c> (every
    /// visible column and the teacher's <c>TeacherLogits</c>) with a manifest beside it: one worker of a job array
    /// (a Kubernetes Indexed Job, a Slurm array, an AWS Batch array job). See the options overload.
    /// </summary>
    /// <param name="data">The whole data set, the same in every worker (the shard's rows are selected here).</param>
    /// <param name="teacher">The teacher, the same in every worker.</param>
    /// <param name="directory">The folder every worker writes to (created if missing).</param>
    /// <param name="shardIndex">This worker's shard, from 0 to <paramref name="shardCount"/> − 1.</param>
    /// <param name="shardCount">How many shards the data is split into.</param>
    public ShardScoringResult ScoreShard(IDataView data, Teacher teacher, string directory, int shardIndex, int shardCount)
        => ScoreShard(data, teacher, new ShardScoringOptions { Directory = directory, ShardIndex = shardIndex, ShardCount = shardCount });

    /// <summary>
    /// Scores one shard of <paramref name="data"/> with <paramref name="teacher"/> and writes it whole: shard i of N holds
    /// rows [⌊i·R/N⌋, ⌊(i+1)·R/N⌋) of the R rows, so <see cref="LoadScoredShards(string)"/> reads the shards back as the data
    /// in its order, with the teacher's outputs. The shard is written under a temporary name and renamed, then its
    /// manifest (rows, input fingerprint, teacher fingerprint, the file's SHA-256). Idempotent: run again, a worker skips a
    /// shard whose manifest matches and whose file is intact, and redoes one that a killed worker left unfinished. Every
    /// worker counts the rows (one pass when the data view does not know its count) and reads up to its shard's end, so
    /// reading is repeated across workers; scoring, where the compute is, is not. The teacher runs over the data as
    /// given: featurise first with a featuriser fitted once (saved and loaded in every worker), never per shard.
    /// </summary>
    /// <param name="data">The whole data set, the same in every worker.</param>
    /// <param name="teacher">The teacher, the same in every worker.</param>
    /// <param name="options">Folder, shard index and count, teacher column, batch size, kept columns and source id.</param>
    /// <exception cref="ArgumentException">An option is out of range or names a column the data lacks (the message names it).</exception>
    /// <exception cref="InvalidDataException">The data gave other rows than it counted (it changed while being read).</exception>
    public ShardScoringResult ScoreShard(IDataView data, Teacher teacher, ShardScoringOptions options)
        => ShardScoring.Score(_mlContext, data, teacher, options);

    /// <summary>
    /// Reads a folder of shards written by <see cref="ScoreShard(IDataView, Teacher, ShardScoringOptions)"/> as one data
    /// view, in row order (a shuffled cursor visits the shards in a seeded random order, as
    /// <see cref="LoadBinaryShards(string[])"/>). The folder must hold one complete job: a shard without a manifest (its
    /// worker did not finish), a missing or repeated index, a shard of another split, other data or another teacher, or a
    /// file whose size differs from its manifest's is refused, naming the file.
    /// </summary>
    /// <param name="directory">The folder the workers wrote to.</param>
    /// <exception cref="InvalidDataException">The folder is not one complete set of shards (the message names the file at fault).</exception>
    public IDataView LoadScoredShards(string directory) => LoadScoredShards(directory, teacher: null, sourceId: null);

    /// <summary>
    /// Reads a folder of scored shards (see <see cref="LoadScoredShards(string)"/>), checking also that
    /// <paramref name="teacher"/> scored them and that they come from the data <paramref name="sourceId"/> names.
    /// </summary>
    /// <param name="directory">The folder the workers wrote to.</param>
    /// <param name="teacher">The teacher that must have scored every shard, or null not to check.</param>
    /// <param name="sourceId">The <see cref="ShardScoringOptions.SourceId"/> every shard must carry, or null not to check.</param>
    public IDataView LoadScoredShards(string directory, Teacher? teacher, string? sourceId)
        => ScoredShardFolder.Open(_mlContext, directory, teacher, sourceId);

    /// <summary>
    /// The distillation trainer for <paramref name="options"/>' task, as the task's catalog builds it
    /// (<c>mlContext.BinaryClassification.Trainers.Distillation(options)</c>, ...), typed for code that does not know the
    /// task in advance: start from <see cref="DistillationTrainerOptions.ForTask"/>.
    /// </summary>
    /// <param name="options">The trainer's options; validated here, naming the option at fault.</param>
    public IDistillationTrainer Trainer(DistillationTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.CreateTrainer(_mlContext);
    }

    /// <summary>
    /// The temperature and alpha search of <paramref name="options"/>' task (the task's overload below: ranked by micro
    /// accuracy, AUC or R² on the held-out rows), for code that does not know the task in advance.
    /// </summary>
    /// <param name="data">Training data with the label, features and teacher columns.</param>
    /// <param name="options">The trainer's settings; Temperature and Alpha are set per trial, Losses must be unset.</param>
    /// <param name="search">The grid, budget, validation fraction and seed; null for the defaults.</param>
    public DistillationSearchResult SearchTemperatureAndAlpha(IDataView data, DistillationTrainerOptions options,
        DistillationSearchOptions? search = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Search(_mlContext, data, search);
    }

    /// <summary>
    /// Trains a multiclass student for every pair of temperature and alpha in <paramref name="search"/> and one from labels
    /// alone, all on the same training part of <paramref name="data"/>, and ranks them by micro accuracy on the same
    /// held-out part. <paramref name="data"/> must carry the teacher column (<c>TeacherScore</c>, best with a
    /// <c>CacheDirectory</c>); <paramref name="options"/> gives every other setting.
    /// </summary>
    /// <param name="data">Training data with the label, features and teacher columns.</param>
    /// <param name="options">The trainer's settings; Temperature and Alpha are set per trial, Losses must be unset.</param>
    /// <param name="search">The grid, the loss recipes to try besides it, budget, validation fraction and seed; null for the defaults.</param>
    public DistillationSearchResult SearchTemperatureAndAlpha(IDataView data, DistillationMulticlassTrainer.Options options,
        DistillationSearchOptions? search = null)
        => TemperatureAlphaSearch.Run(_mlContext, data, options, search, o => _mlContext.MulticlassClassification.Trainers.Distillation(o),
            HeldOutMetric.MicroAccuracy(_mlContext, options.LabelColumnName));

    /// <summary>
    /// Trains a binary student for every pair of temperature and alpha in <paramref name="search"/> and one from labels
    /// alone, and ranks them by AUC on the same held-out rows (see the multiclass overload).
    /// </summary>
    /// <param name="data">Training data with the label, features and teacher columns.</param>
    /// <param name="options">The trainer's settings; Temperature and Alpha are set per trial, Losses must be unset.</param>
    /// <param name="search">The grid, budget, validation fraction and seed; null for the defaults.</param>
    public DistillationSearchResult SearchTemperatureAndAlpha(IDataView data, DistillationBinaryTrainer.Options options,
        DistillationSearchOptions? search = null)
        => TemperatureAlphaSearch.Run(_mlContext, data, options, search, o => _mlContext.BinaryClassification.Trainers.Distillation(o),
            HeldOutMetric.Auc(_mlContext, options.LabelColumnName));

    /// <summary>
    /// Trains a regression student for every pair of temperature and alpha in <paramref name="search"/> and one from labels
    /// alone, and ranks them by R² on the same held-out rows (see the multiclass overload). The regression terms have no
    /// temperature, so only alpha is searched (the search's temperatures are ignored; the trials record the options' own).
    /// </summary>
    /// <param name="data">Training data with the label, features and teacher columns.</param>
    /// <param name="options">The trainer's settings; Alpha is set per trial, Losses must be unset.</param>
    /// <param name="search">The grid, budget, validation fraction and seed; null for the defaults.</param>
    public DistillationSearchResult SearchTemperatureAndAlpha(IDataView data, DistillationRegressionTrainer.Options options,
        DistillationSearchOptions? search = null)
        => TemperatureAlphaSearch.Run(_mlContext, data, options, search, o => _mlContext.Regression.Trainers.Distillation(o),
            HeldOutMetric.RSquared(_mlContext, options.LabelColumnName), usesTemperature: false);

    /// <summary>
    /// Self-distillation (born-again networks): trains a multiclass student from labels alone, then
    /// <paramref name="generations"/> more, each with the same options and architecture and the previous one as its
    /// teacher, all on the same training part of <paramref name="data"/>, and scores each by micro accuracy on the same
    /// held-out part. No teacher column is needed: each generation's teacher is the previous student.
    /// </summary>
    /// <param name="data">Training data with the label and features.</param>
    /// <param name="options">The settings of every generation (the teacher column is set per generation).</param>
    /// <param name="generations">Generations after the student from labels alone (at least 1).</param>
    /// <param name="validationFraction">Share of the rows held out to score the generations (split once). Default 0.2.</param>
    /// <param name="seed">Seed of the split. Default 0.</param>
    /// <param name="ensembleTeacher">
    /// Whether each generation after the first learns from the mean logits of every earlier generation (an ensemble, which
    /// scores the rows once per member) instead of from the previous generation alone. Default false.
    /// </param>
    public SelfDistillationResult SelfDistill(IDataView data, DistillationMulticlassTrainer.Options options, int generations = 2,
        double validationFraction = 0.2, int seed = 0, bool ensembleTeacher = false)
        => SelfDistillation.Run(_mlContext, data, options, generations, validationFraction, seed,
            o => _mlContext.MulticlassClassification.Trainers.Distillation(o), HeldOutMetric.MicroAccuracy(_mlContext, options.LabelColumnName),
            ensembleTeacher);

    /// <summary>Self-distillation of a binary student, scored by AUC (see the multiclass overload).</summary>
    /// <param name="data">Training data with the label and features.</param>
    /// <param name="options">The settings of every generation (the teacher column is set per generation).</param>
    /// <param name="generations">Generations after the student from labels alone (at least 1).</param>
    /// <param name="validationFraction">Share of the rows held out to score the generations (split once). Default 0.2.</param>
    /// <param name="seed">Seed of the split. Default 0.</param>
    /// <param name="ensembleTeacher">Whether each generation after the first learns from the mean logit of every
    /// earlier generation. Default false.</param>
    public SelfDistillationResult SelfDistill(IDataView data, DistillationBinaryTrainer.Options options, int generations = 2,
        double validationFraction = 0.2, int seed = 0, bool ensembleTeacher = false)
        => SelfDistillation.Run(_mlContext, data, options, generations, validationFraction, seed,
            o => _mlContext.BinaryClassification.Trainers.Distillation(o), HeldOutMetric.Auc(_mlContext, options.LabelColumnName), ensembleTeacher);

    /// <summary>Self-distillation of a regression student, scored by R² (see the multiclass overload).</summary>
    /// <param name="data">Training data with the label and features.</param>
    /// <param name="options">The settings of every generation (the teacher column is set per generation).</param>
    /// <param name="generations">Generations after the student from labels alone (at least 1).</param>
    /// <param name="validationFraction">Share of the rows held out to score the generations (split once). Default 0.2.</param>
    /// <param name="seed">Seed of the split. Default 0.</param>
    /// <param name="ensembleTeacher">Whether each generation after the first learns from the mean prediction of every
    /// earlier generation. Default false.</param>
    public SelfDistillationResult SelfDistill(IDataView data, DistillationRegressionTrainer.Options options, int generations = 2,
        double validationFraction = 0.2, int seed = 0, bool ensembleTeacher = false)
        => SelfDistillation.Run(_mlContext, data, options, generations, validationFraction, seed, o => _mlContext.Regression.Trainers.Distillation(o),
            HeldOutMetric.RSquared(_mlContext, options.LabelColumnName), ensembleTeacher);

    /// <summary>
    /// Structured pruning of a multiclass student: ranks the hidden units (and convolution channels) of every hidden layer
    /// by <see cref="PruningOptions.Criterion"/>, removes the lowest whole (rows of the layer's weights, columns of the next
    /// layer's), and fine-tunes the smaller network from the remaining weights with the trainer and <paramref name="options"/>
    /// (loss recipe, validation, checkpoints). The result is a smaller dense network: fewer parameters, a smaller ONNX
    /// file, less work per row.
    /// </summary>
    /// <param name="model">The trained student, or a fitted chain holding it (its last student is pruned).</param>
    /// <param name="data">Training data with the label, features and (for a distillation recipe) teacher columns.</param>
    /// <param name="options">The trainer settings of the fine-tuning, normally those the student was trained with (their
    /// <see cref="DistillationTrainerOptions.Student"/> gives the dropout and input standardisation; its widths are ignored).</param>
    /// <param name="pruning">Target size, criterion, steps and fine-tuning epochs; null for the defaults (keep half the units).</param>
    /// <exception cref="ArgumentException">The model holds no student, or one of another task; a width is out of range (named).</exception>
    public PruningResult Prune(ITransformer model, IDataView data, DistillationMulticlassTrainer.Options options, PruningOptions? pruning = null)
        => StudentPruning.Run(model, data, options, pruning, o => _mlContext.MulticlassClassification.Trainers.Distillation(o));

    /// <summary>Structured pruning of a binary student, fine-tuned by the binary trainer (see the multiclass overload).</summary>
    /// <param name="model">The trained student, or a fitted chain holding it.</param>
    /// <param name="data">Training data with the label, features and (for a distillation recipe) teacher columns.</param>
    /// <param name="options">The trainer settings of the fine-tuning.</param>
    /// <param name="pruning">Target size, criterion, steps and fine-tuning epochs; null for the defaults.</param>
    public PruningResult Prune(ITransformer model, IDataView data, DistillationBinaryTrainer.Options options, PruningOptions? pruning = null)
        => StudentPruning.Run(model, data, options, pruning, o => _mlContext.BinaryClassification.Trainers.Distillation(o));

    /// <summary>
    /// Structured pruning of a regression student, fine-tuned by the regression trainer (see the multiclass overload). The
    /// target scaling folded into the last layer is unfolded with the fine-tuning Fit's statistics and folded back.
    /// </summary>
    /// <param name="model">The trained student, or a fitted chain holding it.</param>
    /// <param name="data">Training data with the label, features and (for a distillation recipe) teacher columns.</param>
    /// <param name="options">The trainer settings of the fine-tuning.</param>
    /// <param name="pruning">Target size, criterion, steps and fine-tuning epochs; null for the defaults.</param>
    public PruningResult Prune(ITransformer model, IDataView data, DistillationRegressionTrainer.Options options, PruningOptions? pruning = null)
        => StudentPruning.Run(model, data, options, pruning, o => _mlContext.Regression.Trainers.Distillation(o));

    /// <summary>
    /// MUNGE pseudo-data (Bucilua et al. 2006) for a transfer set: returns the real rows (their label kept) followed by
    /// <see cref="MungeOptions.Multiplier"/> × as many pseudo-rows without a label, drawn around each row and its nearest
    /// neighbour, with an <c>IsPseudoRow</c> column. Append <c>TeacherScore</c> and a distillation trainer: the
    /// pseudo-rows learn from the teacher alone. Only the feature and label columns are kept (featurise first); a
    /// Boolean label becomes Single (0/1, NaN on pseudo-rows), which the binary trainer reads.
    /// </summary>
    /// <param name="data">Featurised rows: a known-size Single vector of features and a label.</param>
    /// <param name="options">Columns and draws; null for the defaults.</param>
    public IDataView Munge(IDataView data, MungeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return MungeTransferSet.Create(_mlContext, data, options ?? new MungeOptions());
    }

    /// <summary>
    /// A text transfer set after Tang et al. 2019: returns the input rows (their label kept) followed by up to
    /// <see cref="TextAugmentationOptions.Multiplier"/> augmented copies of each row's text without a label, with an
    /// <c>IsPseudoRow</c> column. Each word of a copy (split on white space, punctuation attached) is masked with
    /// probability p_mask or replaced by a word of the data's vocabulary (by frequency; the paper draws one of the same
    /// part of speech) with probability p_pos, and with probability p_ng the copy is cut to a random n-gram (n in 1..5).
    /// Duplicate copies are dropped. Append featurisation, <c>TeacherScore</c> and a distillation trainer: the copies learn
    /// from the teacher alone. Only the text and label columns are kept; a Boolean label becomes Single (0/1, NaN on
    /// copies), a key label gets key 0, a Text label the empty text. The data is read once, when this is called, and the
    /// result is held in memory.
    /// </summary>
    /// <param name="data">Rows with a Text column of raw sentences and a label.</param>
    /// <param name="options">Columns, probabilities, copies and seed; null for the defaults (the paper's).</param>
    /// <exception cref="ArgumentException">A column is absent or of a type that cannot be augmented or left without
    /// label (named), or the data has more than <see cref="TextAugmentationOptions.MaximumRows"/> rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named).</exception>
    public IDataView AugmentText(IDataView data, TextAugmentationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return TextTransferSet.Augment(_mlContext, data, options ?? new TextAugmentationOptions());
    }

    /// <summary>
    /// Sentences without a label appended to labelled rows, for a teacher to label (a transfer set of real unlabelled text):
    /// returns <paramref name="data"/>'s text and label columns followed by one row per text in <paramref name="texts"/>
    /// whose label is missing, written as the trainers read "no label" (see <see cref="AugmentText"/>: NaN, key 0, or the
    /// empty text, which MapValueToKey maps to key 0). ML.NET has no public way to append rows of one data view to another;
    /// this is that, for the case a transfer set needs. The result can itself be augmented.
    /// </summary>
    /// <param name="data">Labelled rows with a Text column and a label; their label type decides how "missing" is written.</param>
    /// <param name="texts">The unlabelled sentences, in order.</param>
    /// <param name="textColumnName">The text column of <paramref name="data"/>, and of the result. Default <c>Text</c>.</param>
    /// <param name="labelColumnName">The label column of <paramref name="data"/>, and of the result. Default <c>Label</c>.</param>
    /// <exception cref="ArgumentException">A column is absent or of a type that cannot be left without label (named), or a text is null.</exception>
    public IDataView AppendUnlabelledText(IDataView data, IEnumerable<string> texts, string textColumnName = DefaultColumnNames.Text,
        string labelColumnName = DefaultColumnNames.Label)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentException.ThrowIfNullOrEmpty(textColumnName);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        return TextTransferSet.AppendUnlabelled(_mlContext, data, texts, textColumnName, labelColumnName);
    }

    /// <summary>
    /// Dynamic int8 quantization of a fitted student: dense and convolution weights become int8 (symmetric, per output
    /// channel by default), and each layer quantizes its input to uint8 when it runs (ONNX <c>DynamicQuantizeLinear</c> →
    /// <c>MatMulInteger</c>/<c>ConvInteger</c>). Standardisation, activations, pooling and the task head stay float. Returns a
    /// new student with the same columns, which scores, evaluates, saves and loads like the float one; the given model is
    /// unchanged. Needs no data; see the overload with calibration rows for static quantization.
    /// </summary>
    /// <param name="model">The fitted student, or a fitted pipeline holding it.</param>
    /// <param name="options">Weight granularity; null for the defaults.</param>
    /// <exception cref="ArgumentException">The model holds no distilled student, or its student is already quantized.</exception>
    public StudentTransformer Quantize(ITransformer model, QuantizationOptions? options = null)
        => StudentQuantizer.Quantize(model, calibrationData: null, options ?? new QuantizationOptions());

    /// <summary>
    /// Static int8 quantization of a fitted student: weights as in <see cref="Quantize(ITransformer, QuantizationOptions?)"/>,
    /// and the activations' uint8 ranges fixed beforehand by running the float student on <paramref name="calibrationData"/>
    /// (min/max, or a percentile). The graph is written in QDQ form (QuantizeLinear/DequantizeLinear around each Gemm/Conv),
    /// which ONNX Runtime fuses into integer kernels. Activations beyond the calibrated range are clipped, so calibrate
    /// on rows like those the student will score (training rows).
    /// </summary>
    /// <param name="model">The fitted student, or a fitted pipeline holding it; the pipeline's stages before the student
    /// (teacher stages excepted) are applied to the calibration rows.</param>
    /// <param name="calibrationData">Rows as <paramref name="model"/> takes them, for instance a sample of the training data.</param>
    /// <param name="options">Weight granularity, percentile and number of calibration rows; null for the defaults.</param>
    /// <exception cref="ArgumentException">No student in the model, or the calibration data lacks the feature column or has no rows.</exception>
    public StudentTransformer Quantize(ITransformer model, IDataView calibrationData, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(calibrationData);
        return StudentQuantizer.Quantize(model, calibrationData, options ?? new QuantizationOptions());
    }

    /// <summary>
    /// Measures a teacher and its student on the same rows in one call: each one's standard metrics from ML.NET's
    /// evaluator, how closely the student follows the teacher (agreement and KL for classifiers, RMSE between the two for
    /// regression), calibration (ECE and reliability bins), accuracy per class, parameters, serialized bytes, single-row
    /// latency p50/p95 and batch throughput, and the ratios between them. The task comes from the label column's type.
    /// </summary>
    /// <param name="teacher">A fitted ML.NET model that writes the task's standard columns (e.g. a LightGbm model, or a
    /// student used as teacher). For an ONNX teacher, use the overload taking a <see cref="Teacher"/>.</param>
    /// <param name="student">The fitted distillation pipeline or student (teacher stages are dropped before measuring).</param>
    /// <param name="data">Labelled rows neither model trained on, with the columns both models read.</param>
    /// <param name="labelColumnName">The label: Boolean (binary), key (multiclass) or Single (regression).</param>
    public DistillationEvaluation Evaluate(ITransformer teacher, ITransformer student, IDataView data,
        string labelColumnName = DefaultColumnNames.Label)
        => Evaluate(teacher, student, data, new EvaluationOptions { LabelColumnName = labelColumnName });

    /// <summary>
    /// Measures a teacher and its student on the same rows (see
    /// <see cref="Evaluate(ITransformer, ITransformer, IDataView, string)"/>).
    /// </summary>
    /// <param name="teacher">A fitted ML.NET model that writes the task's standard columns.</param>
    /// <param name="student">The fitted distillation pipeline or student.</param>
    /// <param name="data">Labelled rows neither model trained on.</param>
    /// <param name="options">Label column, names, calibration bins and how long to time.</param>
    public DistillationEvaluation Evaluate(ITransformer teacher, ITransformer student, IDataView data, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        return new DistillationEvaluator(_mlContext, data, options)
            .Compare(ScoredModel.FromTransformer(teacher.Student()), ScoredModel.FromTransformer(student.Student()));
    }

    /// <summary>
    /// Measures a <see cref="Teacher"/> (an ONNX model, an ensemble, any teacher <c>TeacherScore</c> takes) and its student
    /// on the same rows (see <see cref="Evaluate(ITransformer, ITransformer, IDataView, string)"/>). The teacher's outputs
    /// become the task's columns as a trainer would write them: softmax of the logits (multiclass), sigmoid (binary), the
    /// value itself (regression).
    /// </summary>
    /// <param name="teacher">The teacher.</param>
    /// <param name="student">The fitted distillation pipeline or student.</param>
    /// <param name="data">Labelled rows neither model trained on, with the columns both read.</param>
    /// <param name="options">Label column, names, calibration bins and how long to time; null for the defaults.</param>
    public DistillationEvaluation Evaluate(Teacher teacher, ITransformer student, IDataView data, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new EvaluationOptions();
        return new DistillationEvaluator(_mlContext, data, options)
            .Compare(ScoredModel.FromTeacher(_mlContext, teacher, data), ScoredModel.FromTransformer(student.Student()));
    }

    /// <summary>
    /// Measures one more model on the evaluation rows, the same way as
    /// <see cref="Evaluate(ITransformer, ITransformer, IDataView, EvaluationOptions)"/>
    /// measures teacher and student: for instance the student trained from labels alone, to set beside them in a report.
    /// </summary>
    /// <param name="model">A fitted ML.NET model that writes the task's standard columns.</param>
    /// <param name="data">Labelled rows it did not train on.</param>
    /// <param name="name">How reports name it.</param>
    /// <param name="options">Label column, calibration bins and how long to time; null for the defaults.</param>
    public ModelEvaluation EvaluateModel(ITransformer model, IDataView data, string name, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new DistillationEvaluator(_mlContext, data, options ?? new EvaluationOptions())
            .Measure(ScoredModel.FromTransformer(model.Student()), name);
    }

    /// <summary>
    /// Loads a model saved with <c>mlContext.Model.Save</c> that contains a student, after registering
    /// <c>MLNet.Distillation.Runtime</c> so ML.NET finds the student's mapping stages. Equivalent to
    /// <see cref="StudentModelLoader.Load"/>.
    /// </summary>
    /// <param name="path">The model .zip.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    public ITransformer LoadModel(string path, out DataViewSchema inputSchema)
        => StudentModelLoader.Load(_mlContext, path, out inputSchema);
}
