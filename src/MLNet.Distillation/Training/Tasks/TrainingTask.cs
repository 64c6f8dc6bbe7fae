using Microsoft.ML;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// What differs between prediction tasks, and nothing else: which label a trainer accepts and how it reads it, the
/// default loss recipe, how the student is validated, and which columns it writes. The trainer, the data loading and
/// the training loop are shared by all tasks and ask this object whenever the task matters.
/// </summary>
internal abstract class TrainingTask
{
    public abstract DistillationTask Kind { get; }

    /// <summary>
    /// Every task the library trains, in the order of <see cref="DistillationTask"/>: the registry. Adding a task is adding
    /// its class and listing it here; everything that differs between tasks asks the task object.
    /// </summary>
    public static IReadOnlyList<TrainingTask> All => Registry.Tasks;

    /// <summary>The task object of <paramref name="kind"/>: the one place the task enum is mapped to what differs between tasks.</summary>
    /// <exception cref="NotSupportedException"><paramref name="kind"/> is not a task the library trains.</exception>
    public static TrainingTask Of(DistillationTask kind) => Find(kind) ?? throw new NotSupportedException($"No distillation task {kind}.");

    /// <summary>The task object of <paramref name="kind"/>, or null when it is not a task the library trains (the caller words the error).</summary>
    public static TrainingTask? Find(DistillationTask kind) => Array.Find(Registry.Tasks, t => t.Kind == kind);

    /// <summary>The trainer options of this task at their defaults (<see cref="DistillationTrainerOptions.ForTask"/>).</summary>
    public abstract DistillationTrainerOptions NewOptions();

    /// <summary>Whether the labels are classes (accuracy, class shares, calibration apply), not values.</summary>
    public abstract bool IsClassification { get; }

    /// <summary>
    /// The label's number of classes for a student with <paramref name="outputCount"/> outputs per row: 2 for one binary
    /// logit, one per output for a multiclass student, 0 for a task without classes.
    /// </summary>
    public abstract int ClassCount(int outputCount);

    /// <summary>The task in words, for messages: "binary classification".</summary>
    public abstract string Description { get; }

    /// <summary>The metric an evaluation compares teacher and student on (<see cref="DistillationEvaluation.QualityKept"/>).</summary>
    public abstract string PrimaryMetric { get; }

    /// <summary>Whether a larger <see cref="PrimaryMetric"/> is better (accuracy) or worse (an error).</summary>
    public virtual bool PrimaryMetricHigherIsBetter => true;

    /// <summary>What <paramref name="outputCount"/> network outputs stand for, in an error message: <c>(one per row)</c>.</summary>
    public virtual string OutputsMeaning(int outputCount) => "(one per row)";

    /// <summary>How an evaluation reads a model's predictions for this task (see <see cref="ScoredModel"/>).</summary>
    public abstract TaskEvaluation Evaluation { get; }

    /// <summary>How a text teacher's linear head is fitted for this task (see <see cref="Distillation.TextHead"/>).</summary>
    public abstract TextHeadFitter TextHead { get; }

    /// <summary>
    /// The column a student of this task teaches through when it scores through its own ML.NET chain
    /// (<see cref="Teacher.FromStudent"/>), or null for the column a model teacher reads by default.
    /// </summary>
    public virtual string? StudentTeacherColumn => null;

    /// <summary>
    /// Whether the network's <paramref name="outputCount"/> outputs per row fit the task's head (<see cref="AddOnnxHead"/>):
    /// one per row, unless the task has one per class.
    /// </summary>
    public virtual bool HeadTakes(int outputCount) => outputCount == 1;

    /// <summary>Adds the task's outputs after the network's output <paramref name="x"/> (see <see cref="OnnxHeads"/>).</summary>
    public abstract void AddOnnxHead(OnnxGraphBuilder graph, string x, int outputCount, OnnxLayout layout);

    /// <summary>
    /// The ML.NET stages after the student's ONNX stage (which writes a vector <c>Score</c>) that give the task's standard
    /// columns, as ML.NET's evaluators and <c>PredictionEngine</c> expect them (see <see cref="StudentPipelineFactory"/>).
    /// </summary>
    /// <param name="mlContext">The context the stages are built in.</param>
    /// <param name="label">The training label (a multiclass student's predicted keys carry its key values).</param>
    /// <param name="outputCount">The network's outputs per row.</param>
    public abstract IEstimator<ITransformer> ScoringStages(MLContext mlContext, DataViewSchema.Column label, int outputCount);

    /// <summary>The hard-label term of the default recipe (weight alpha).</summary>
    public abstract string HardLoss { get; }

    /// <summary>The soft-target term of the default recipe (weight 1 − alpha).</summary>
    public abstract string SoftLoss { get; }

    /// <summary>
    /// The built-in loss terms (<see cref="LossNames"/>) on this task's outputs and labels that a recipe of the task
    /// may name; the representation terms come on top (<see cref="BuiltInLosses"/>).
    /// </summary>
    protected abstract IReadOnlyList<string> OutputLosses { get; }

    /// <summary>
    /// The built-in loss terms a recipe of this task may name: its <see cref="OutputLosses"/>, then the representation terms,
    /// which compare hidden layers and so mean the same for every task. <see cref="Losses.LossRegistry"/> asks this.
    /// </summary>
    public IEnumerable<string> BuiltInLosses => OutputLosses.Concat(RepresentationLosses);

    private static readonly string[] RepresentationLosses =
        [LossNames.Hint, LossNames.RelationDistance, LossNames.RelationAngle, LossNames.SimilarityPreserving];

    /// <summary>The recipe when the options give none: <c>alpha · hard + (1 − alpha) · soft</c>, or the hard term alone without a teacher.</summary>
    public virtual IReadOnlyList<LossTerm> DefaultRecipe(DistillationTrainerOptions options, bool hasTeacher)
        => hasTeacher ? [new(HardLoss, options.Alpha), new(SoftLoss, 1 - options.Alpha)] : [new(HardLoss, 1)];

    /// <summary>
    /// The sparse table's step for a Fit with <paramref name="options"/>: as they say, or the student's default for this
    /// task (<see cref="StudentArchitecture.DefaultSparseFeatureStep"/>).
    /// </summary>
    public SparseFeatureStep SparseStep(DistillationTrainerOptions options)
        => options.SparseFeatureStep ?? options.Student.DefaultSparseFeatureStep(this);

    /// <summary>
    /// The sparse table's step an <see cref="MlpStudent"/> takes for this task when the options set none
    /// (<see cref="StudentArchitecture.DefaultSparseFeatureStep"/>): per weight, unless measured better otherwise.
    /// </summary>
    public virtual SparseFeatureStep MlpSparseStep => SparseFeatureStep.PerWeight;

    /// <summary>
    /// The task's own trainer settings (those only its options class has) as text, for the checkpoint fingerprint
    /// (<see cref="CheckpointFingerprint"/>); empty when it has none.
    /// </summary>
    public virtual string OptionsFingerprint(DistillationTrainerOptions options) => "";

    /// <summary>
    /// Whether labels and teacher outputs are standardised for training (by the label's mean and standard deviation on the
    /// training rows), with the scaling undone in the exported student.
    /// </summary>
    public virtual bool StandardizesTarget => false;

    /// <summary>Checks the label column and returns the student's number of outputs per row, or null when a shape does not tell.</summary>
    public abstract int? CheckLabel(ColumnView label);

    /// <summary>What the teacher column must hold, for messages (e.g. "one logit per class of the label").</summary>
    public abstract string TeacherOutputDescription(int? outputs);

    /// <summary>An extra sentence for a teacher column of the wrong width (e.g. a multiclass teacher for a binary student).</summary>
    public virtual string TeacherMismatchHint(int? teacherWidth, int? outputs) => "";

    /// <summary>Checks what can only be checked on real data: that the teacher's outputs mean what the label means (class order).</summary>
    public virtual void CheckTeacherMatchesLabel(DataViewSchema.Column teacher, DataViewSchema.Column label) { }

    /// <summary>
    /// Evidence, gathered from the labelled training rows, that the teacher's outputs mean what the label means (see
    /// <see cref="TeacherLabelCheck"/>); fed block by block and judged once.
    /// </summary>
    /// <param name="teacher">The teacher column (its annotations tell what the teacher stated about its outputs, and its class names).</param>
    /// <param name="label">The label column.</param>
    /// <param name="outputCount">Teacher outputs per row.</param>
    /// <param name="labelsWeigh">Whether some loss term learns from the labels (at <c>Alpha = 0</c> none does).</param>
    public abstract TeacherLabelCheck CreateTeacherCheck(DataViewSchema.Column teacher, DataViewSchema.Column label, int outputCount,
        bool labelsWeigh);

    /// <summary>Adds the columns the fitted student writes, for <c>GetOutputSchema</c>.</summary>
    public abstract void AddOutputColumns(DataViewSchema.Builder builder, SchemaShape.Column label, int? outputs);

    /// <summary>
    /// Reads the label of the current row as a float: the 0-based class index or the value; NaN when the row has no label
    /// (a missing key, a NaN value).
    /// </summary>
    public abstract Func<float> CreateLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label);

    /// <summary>The labels as the loss terms receive them (on the training device).</summary>
    public abstract Tensor LabelTensor(ReadOnlySpan<float> labels, Device device);

    /// <summary>The batch's predicted labels in the form the labels have (class index; 0/1), or null when the task has no accuracy.</summary>
    public abstract Tensor? Predictions(Tensor outputs);

    /// <summary>Labelled rows whose prediction equals the label (rows without label never do).</summary>
    public abstract long CountCorrect(Tensor predictions, Tensor labels);

    /// <summary>
    /// On some validation rows: how many are predicted right (null when the task has no accuracy) and the hard-label loss
    /// summed over them (so that validation runs in chunks and the means are taken at the end).
    /// </summary>
    public abstract (long? Correct, double LossSum) ValidationSums(Tensor outputs, Tensor labels);

    /// <summary>Which validation result is better (higher is better), for keeping the best epoch and early stopping.</summary>
    public abstract double ValidationScore(double? accuracy, double loss);

    // A holder class of its own: a static field of TrainingTask itself may be initialised while the first task object is
    // built, when that task's Instance is still null.
    private static class Registry
    {
        public static readonly TrainingTask[] Tasks = [MulticlassTask.Instance, BinaryTask.Instance, RegressionTask.Instance];
    }
}
