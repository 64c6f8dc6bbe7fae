namespace MLNet.Distillation;

/// <summary>
/// Every default setting in one place: the options classes initialise their properties from these constants and the
/// catalog overloads use them as parameter defaults, so the two entry points can never disagree.
/// </summary>
internal static class Defaults
{
    /// <summary>Softening temperature T of the soft-target terms.</summary>
    public const float Temperature = 4f;

    /// <summary>
    /// The highest softening temperature accepted (trainer option, recipe term or search grid). Softened targets are flat
    /// long before this (Hinton et al. used at most 20); far above it the soft term's gradients, which shrink as 1/T², are
    /// lost to float rounding while the T² factor and the losses' T²/B scaling overflow float (T = 1e20 trained a student
    /// whose soft term was zero or infinite).
    /// </summary>
    public const float MaximumTemperature = 100f;

    /// <summary>Whether <paramref name="temperature"/> is in (0, <see cref="MaximumTemperature"/>] (false for NaN).</summary>
    public static bool IsValidTemperature(double temperature) => temperature > 0 && temperature <= MaximumTemperature;

    /// <summary>The valid temperatures as written in messages: <c>(0, 100]</c>.</summary>
    public static string TemperatureRange => $"(0, {MaximumTemperature:0}]";

    /// <summary>Weight of the hard-label term; the soft-target term gets 1 − alpha.</summary>
    public const float Alpha = 0.1f;

    /// <summary>Huber delta of the regression terms, in standardised label units.</summary>
    public const double HuberDelta = 1.0;

    /// <summary>Width of the default MLP student's single hidden layer.</summary>
    public const int HiddenLayerWidth = 64;

    /// <summary>The embedding size of <see cref="FastTextStudent"/>.</summary>
    public const int TextEmbeddingSize = 64;

    /// <summary>
    /// The narrowest feature vector a trainer keeps sparse when its rows come sparse (the trainers' <c>SparseFeatures</c>
    /// option left unset): below this a dense row costs little and dense layers are faster.
    /// </summary>
    public const int SparseFeaturesMinimumWidth = 4096;

    /// <summary>
    /// Below this many training rows a sparse-feature Fit holds out validation rows on its own
    /// (<see cref="DistillationTrainerOptions.AutomaticEarlyStopping"/>).
    /// </summary>
    public const int AutomaticEarlyStoppingRows = 100_000;

    /// <summary>
    /// The fewest labelled rows for which <see cref="DistillationTrainerOptions.AutomaticEarlyStopping"/> holds some out:
    /// a validation loss over fewer than a hundred rows is noise, and stops training at random (with a transfer set of
    /// mostly unlabelled rows, 10 % of the labels are very few).
    /// </summary>
    public const int AutomaticEarlyStoppingMinimumLabelledRows = 1000;

    /// <summary>The share of labelled rows <see cref="DistillationTrainerOptions.AutomaticEarlyStopping"/> holds out.</summary>
    public const float AutomaticValidationFraction = 0.1f;

    /// <summary>Epochs without a better validation result before <see cref="DistillationTrainerOptions.AutomaticEarlyStopping"/> stops.</summary>
    public const int AutomaticEarlyStoppingPatience = 5;

    /// <summary>The fewest passes over the training data when the options give no number of epochs.</summary>
    public const int MinimumEpochs = 20;

    /// <summary>
    /// The fewest rows a Fit trains on (counting each pass) when the options give no number of epochs: small data sets get
    /// more epochs. 192,000 is 3,000 mini-batches of 64; counted in rows rather than steps, a larger batch does not mean
    /// more passes over the same rows (3,000 steps of 256 overfitted churn and Ames: AUC 0.887 → 0.857, R² 0.887 → 0.872).
    /// </summary>
    public const int MinimumRowsSeen = 192_000;

    /// <summary>The most passes over the training data when the options give no number of epochs.</summary>
    public const int MaximumEpochs = 2000;

    /// <summary>
    /// Rows per mini-batch. 256 (with <see cref="LearningRate"/> 2e-3 and training sized by <see cref="MinimumRowsSeen"/>)
    /// matched or beat 64 (with 1e-3) on every data set the speed benchmark's batch-size experiment tries (Fashion-MNIST,
    /// four UCI tables, churn, Ames), and runs a Fashion-MNIST epoch 2× faster (a mini-batch has a fixed cost that a larger
    /// batch spreads over more rows).
    /// </summary>
    public const int BatchSize = 256;

    /// <summary>AdamW learning rate, scaled with the batch size (see <see cref="BatchSize"/>).</summary>
    public const float LearningRate = 2e-3f;

    /// <summary>
    /// Rows per block when streaming: 16 MB of features at 64 features per row, 200 MB at 784. Rows are shuffled within a
    /// block, so larger blocks shuffle better; two blocks are held at once.
    /// </summary>
    public const int StreamingBlockRows = 65_536;

    /// <summary>The TorchSharp device the student trains on.</summary>
    public const string Device = "cpu";

    /// <summary>
    /// Rows per teacher call in TeacherScore. 64: over six runs of the Fashion-MNIST benchmark's sweep (a CNN teacher, 32
    /// to 512 rows per call) the median rate was 48.1k rows/s at 32, 43.9k at 64, 46.9k at 128, 42.5k at 256 and 39.3k at
    /// 512; single figures swing by ±20 % on the 2-core machine, so 64 sits in the faster range rather than at a sharp
    /// optimum (larger calls stop fitting the caches; smaller ones pay the per-call cost more often).
    /// </summary>
    public const int TeacherBatchSize = 64;

    /// <summary>Largest block TeacherScore accepts: a block's inputs and outputs are held in single arrays.</summary>
    public const int MaxTeacherBatchSize = 1 << 20;

    /// <summary>Static quantization: the share of calibration values an activation's range covers (100: min to max).</summary>
    public const double CalibrationPercentile = 100;

    /// <summary>Static quantization: the most calibration rows read.</summary>
    public const int MaximumCalibrationRows = 1000;

    /// <summary>
    /// Tokens per text a <see cref="TextEncoder"/> feeds its model, counting [CLS] and [SEP]: most reviews and short documents
    /// fit, and attention costs grow with the square of the length, so the BERT limit of 512 is opt-in.
    /// </summary>
    public const int TextMaximumTokens = 256;

    /// <summary>The most tokens a BERT-family encoder accepts (its position embeddings).</summary>
    public const int TextMaximumTokensLimit = 512;

    /// <summary>Texts per <see cref="TextEncoder"/> model call; each batch is padded to its longest text.</summary>
    public const int TextEncoderBatchSize = 32;

    /// <summary>
    /// L2 weight of a text teacher's linear head: ML.NET's own L-BFGS default (the loss summed over rows plus
    /// L2/2 · ‖w‖², bias not penalised).
    /// </summary>
    public const float TextHeadL2Regularization = 1f;
}
