using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Yes or no: a Boolean label (or a Single label holding 0, 1, or NaN for a row without label); one logit per row;
/// binary cross-entropy and its softened form; accuracy (logit &gt; 0) for validation.
/// </summary>
internal sealed class BinaryTask : TrainingTask
{
    public static BinaryTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.BinaryClassification;

    public override DistillationTrainerOptions NewOptions() => new DistillationBinaryTrainer.Options();

    public override bool IsClassification => true;

    public override int ClassCount(int outputCount) => 2;

    public override string Description => "binary classification";

    public override string PrimaryMetric => "Accuracy";

    public override TaskEvaluation Evaluation => BinaryEvaluation.Instance;

    public override TextHeadFitter TextHead => BinaryTextHeadFitter.Instance;

    /// <summary>The logit: read by default, a binary model's calibrated Probability would be taken for it.</summary>
    public override string? StudentTeacherColumn => DefaultColumnNames.Score;

    public override void AddOnnxHead(OnnxGraphBuilder graph, string x, int outputCount, OnnxLayout layout)
    {
        if (!HeadTakes(outputCount))
            throw new InvalidOperationException($"A {Kind} student has one output per row, not {outputCount}.");
        OnnxHeads.SingleOutput(graph, x, binary: true, layout);
    }

    /// <summary><see cref="BinaryScoreMapping"/>: the logit becomes Score, Probability and PredictedLabel.</summary>
    public override IEstimator<ITransformer> ScoringStages(MLContext mlContext, DataViewSchema.Column label, int outputCount)
        => mlContext.Transforms.CustomMapping(new BinaryScoreMapping().GetMapping(), BinaryScoreMapping.ContractName);

    public override string HardLoss => LossNames.BinaryCrossEntropy;

    public override string SoftLoss => LossNames.SoftBinaryCrossEntropy;

    protected override IReadOnlyList<string> OutputLosses { get; } =
        [LossNames.LogitMatching, LossNames.BinaryCrossEntropy, LossNames.SoftBinaryCrossEntropy];

    public override int? CheckLabel(ColumnView label)
    {
        if (!label.IsScalar || label.IsKey || (label.RawItemType != typeof(bool) && label.RawItemType != typeof(float)))
            throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label.Name}' must be Boolean (or Single holding 0, 1, or NaN for a row " +
                $"without label), but is {label.TypeDescription}. Turn a text or key label into Boolean first, e.g. " +
                $"mlContext.Transforms.CustomMapping or an Expression such as \"x : x == \\\"yes\\\"\".");
        return 1;
    }

    public override string TeacherOutputDescription(int? outputs) => "one logit per row (the teacher's raw score for the positive class)";

    public override string TeacherMismatchHint(int? teacherWidth, int? outputs)
        => teacherWidth is > 1 ? $" A teacher with {teacherWidth} outputs per row is a multiclass teacher; a binary student needs a binary teacher " +
            "(an ML.NET binary model's Score, or an ONNX model with one logit or probability per row)." : "";

    // Probabilities first: read as logits they would all be positive, which the positive-class check would misname.
    public override TeacherLabelCheck CreateTeacherCheck(DataViewSchema.Column teacher, DataViewSchema.Column label, int outputCount,
        bool labelsWeigh)
        => TeacherLabelCheck.Combine(ProbabilityOutputsCheck.For(teacher, label.Name, 1), new PositiveClassCheck(teacher.Name, label.Name));

    public override void AddOutputColumns(DataViewSchema.Builder builder, SchemaShape.Column label, int? outputs)
    {
        builder.AddColumn(DefaultColumnNames.Score, NumberDataViewType.Single);
        builder.AddColumn(DefaultColumnNames.Probability, NumberDataViewType.Single);
        builder.AddColumn(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance);
    }

    public override Func<float> CreateLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        if (label.Type == BooleanDataViewType.Instance)
        {
            var getter = cursor.GetGetter<bool>(label);
            bool value = false;
            return () =>
            {
                getter(ref value);
                return value ? 1f : 0f;
            };
        }
        var single = cursor.GetGetter<float>(label);
        float y = 0;
        return () =>
        {
            single(ref y);
            if (y is 0f or 1f || float.IsNaN(y))
                return y;
            throw new InvalidOperationException($"Label column '{label.Name}' holds {y} at row {cursor.Position}; a Single binary label must be 0, 1, " +
                "or NaN for a row without label. Map it to Boolean first if it means something else.");
        };
    }

    // from_array shares the array (tensor() would copy it element by element).
    public override Tensor LabelTensor(ReadOnlySpan<float> labels, Device device) => from_array(labels.ToArray()).to(device);

    public override Tensor? Predictions(Tensor outputs) => outputs.reshape(-1).gt(HeldScalars.Zero).to_type(ScalarType.Float32);

    // NaN labels (unlabelled rows) never equal 0 or 1.
    public override long CountCorrect(Tensor predictions, Tensor labels)
    {
        using var equal = predictions.eq(labels);
        return equal.sum().item<long>();
    }

    public override (long? Correct, double LossSum) ValidationSums(Tensor outputs, Tensor labels)
    {
        var logits = outputs.reshape(-1).to_type(ScalarType.Float64);
        long correct = logits.gt(HeldScalars.Zero).to_type(labels.dtype).eq(labels).sum().item<long>();
        double loss = nn.functional.binary_cross_entropy_with_logits(logits, labels.to_type(ScalarType.Float64), reduction: nn.Reduction.Sum)
            .item<double>();
        return (correct, loss);
    }

    public override double ValidationScore(double? accuracy, double loss) => accuracy!.Value - loss * 1e-9;
}
