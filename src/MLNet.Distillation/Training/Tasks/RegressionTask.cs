using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// A number: a Single label (NaN for a row without label); one value per row. The label and the teacher's predictions are
/// standardised by the label's mean and standard deviation on the training rows, so the default recipe's two terms and
/// the learning rate mean the same whatever the label's units; the exported student undoes the scaling.
/// </summary>
internal sealed class RegressionTask : TrainingTask
{
    public static RegressionTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.Regression;

    public override DistillationTrainerOptions NewOptions() => new DistillationRegressionTrainer.Options();

    public override bool IsClassification => false;

    public override int ClassCount(int outputCount) => 0;

    public override string Description => "regression";

    public override string PrimaryMetric => "RootMeanSquaredError";

    public override TaskEvaluation Evaluation => RegressionEvaluation.Instance;

    public override TextHeadFitter TextHead => RegressionTextHeadFitter.Instance;

    public override bool PrimaryMetricHigherIsBetter => false;

    public override void AddOnnxHead(OnnxGraphBuilder graph, string x, int outputCount, OnnxLayout layout)
    {
        if (!HeadTakes(outputCount))
            throw new InvalidOperationException($"A {Kind} student has one output per row, not {outputCount}.");
        OnnxHeads.SingleOutput(graph, x, binary: false, layout);
    }

    /// <summary><see cref="RegressionScoreMapping"/>: the one-value vector becomes a scalar Score.</summary>
    public override IEstimator<ITransformer> ScoringStages(MLContext mlContext, DataViewSchema.Column label, int outputCount)
        => mlContext.Transforms.CustomMapping(new RegressionScoreMapping().GetMapping(), RegressionScoreMapping.ContractName);

    public override string HardLoss => LossNames.MeanSquaredError;

    public override string SoftLoss => LossNames.TeacherMeanSquaredError;

    protected override IReadOnlyList<string> OutputLosses { get; } =
        [LossNames.MeanSquaredError, LossNames.Huber, LossNames.TeacherMeanSquaredError, LossNames.TeacherHuber];

    public override IReadOnlyList<LossTerm> DefaultRecipe(DistillationTrainerOptions options, bool hasTeacher)
    {
        if (options is not DistillationRegressionTrainer.Options { LossFunction: RegressionLossFunction.Huber } huber)
            return base.DefaultRecipe(options, hasTeacher);
        var delta = new Dictionary<string, double> { ["delta"] = huber.HuberDelta };
        return hasTeacher
            ? [new(LossNames.Huber, options.Alpha, delta), new(LossNames.TeacherHuber, 1 - options.Alpha, delta)]
            : [new(LossNames.Huber, 1, delta)];
    }

    public override bool StandardizesTarget => true;

    /// <summary>The label loss and its Huber delta, which only regression's options have.</summary>
    public override string OptionsFingerprint(DistillationTrainerOptions options)
        => options is DistillationRegressionTrainer.Options r ? $"{r.LossFunction}:{r.HuberDelta:R}" : "";

    public override int? CheckLabel(ColumnView label)
    {
        if (!label.IsScalar || label.IsKey || label.RawItemType != typeof(float))
            throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label.Name}' must be Single, but is {label.TypeDescription}. " +
                $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{label.Name}\", outputKind: DataKind.Single).");
        return 1;
    }

    public override string TeacherOutputDescription(int? outputs) => "one prediction per row, in the label's units";

    public override string TeacherMismatchHint(int? teacherWidth, int? outputs)
        => teacherWidth is > 1 ? $" A teacher with {teacherWidth} outputs per row is a classifier; a regression student needs a regression teacher."
            : "";

    public override TeacherLabelCheck CreateTeacherCheck(DataViewSchema.Column teacher, DataViewSchema.Column label, int outputCount,
        bool labelsWeigh)
        => TeacherLabelCheck.Combine(new CorrelationCheck(teacher.Name, label.Name), new ScaleCheck(teacher.Name, label.Name));

    public override void AddOutputColumns(DataViewSchema.Builder builder, SchemaShape.Column label, int? outputs)
        => builder.AddColumn(DefaultColumnNames.Score, NumberDataViewType.Single);

    public override Func<float> CreateLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        var getter = cursor.GetGetter<float>(label);
        float y = 0;
        return () =>
        {
            getter(ref y);
            if (float.IsInfinity(y))
                throw new InvalidOperationException($"Label column '{label.Name}' holds {y} at row {cursor.Position}; regression labels must be finite (NaN marks a row without label).");
            return y;
        };
    }

    // from_array shares the array (tensor() would copy it element by element).
    public override Tensor LabelTensor(ReadOnlySpan<float> labels, Device device) => from_array(labels.ToArray()).to(device);

    public override Tensor? Predictions(Tensor outputs) => null;

    public override long CountCorrect(Tensor predictions, Tensor labels) => 0;

    public override (long? Correct, double LossSum) ValidationSums(Tensor outputs, Tensor labels)
        => (null,
            nn.functional.mse_loss(outputs.reshape(-1).to_type(ScalarType.Float64), labels.to_type(ScalarType.Float64), reduction: nn.Reduction.Sum)
            .item<double>());

    public override double ValidationScore(double? accuracy, double loss) => -loss;
}
