using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>One of K classes: a UInt32 key label; cross-entropy and Hinton's KL term; accuracy for validation.</summary>
internal sealed class MulticlassTask : TrainingTask
{
    public static MulticlassTask Instance { get; } = new();

    public override DistillationTask Kind => DistillationTask.MulticlassClassification;

    public override DistillationTrainerOptions NewOptions() => new DistillationMulticlassTrainer.Options();

    public override bool IsClassification => true;

    public override int ClassCount(int outputCount) => outputCount;

    public override string Description => "multiclass classification";

    public override string PrimaryMetric => "MicroAccuracy";

    public override TaskEvaluation Evaluation => MulticlassEvaluation.Instance;

    public override TextHeadFitter TextHead => MulticlassTextHeadFitter.Instance;

    public override string OutputsMeaning(int outputCount) => $"(the label has {outputCount} classes)";

    /// <summary>One output per class (a probe exports any width through this head, see <see cref="ExportProbe"/>).</summary>
    public override bool HeadTakes(int outputCount) => outputCount > 0;

    /// <summary>
    /// Table-wide: with per-weight steps the linear student over FeaturizeText's vector, distilled on Austen's six books,
    /// fell below itself trained on labels (see <see cref="DistillationTrainerOptions.SparseFeatureStep"/>).
    /// </summary>
    public override SparseFeatureStep MlpSparseStep => SparseFeatureStep.TableWide;

    public override void AddOnnxHead(OnnxGraphBuilder graph, string x, int outputCount, OnnxLayout layout)
        => OnnxHeads.Multiclass(graph, x, outputCount, layout);

    /// <summary>
    /// <see cref="PredictedLabelMapping"/> (arg-max), then the class index mapped to the label's key, with its key
    /// values (so MapKeyToValue works).
    /// </summary>
    public override IEstimator<ITransformer> ScoringStages(MLContext mlContext, DataViewSchema.Column label, int outputCount)
        => mlContext.Transforms.CustomMapping(new PredictedLabelMapping().GetMapping(), PredictedLabelMapping.ContractName)
            .Append(PredictedLabelKeys.Stage(mlContext, label, outputCount));

    /// <summary>
    /// The key-value types the fitted student's PredictedLabel can carry (ML.NET's MapValue maps class indices to them).
    /// UInt32 and UInt64 values would be read as key indices by MapValue, so they are refused.
    /// </summary>
    public static IReadOnlyList<Type> SupportedKeyValueTypes { get; } =
        [typeof(ReadOnlyMemory<char>), typeof(float), typeof(double), typeof(int), typeof(long), typeof(short), typeof(bool)];

    public override string HardLoss => LossNames.CrossEntropy;

    public override string SoftLoss => LossNames.KnowledgeDistillation;

    protected override IReadOnlyList<string> OutputLosses { get; } =
        [LossNames.CrossEntropy, LossNames.KnowledgeDistillation, LossNames.DecoupledKnowledgeDistillation, LossNames.LogitMatching];

    public override int? CheckLabel(ColumnView label)
    {
        if (!label.IsScalar || !label.IsKey || label.RawItemType != typeof(uint))
            throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label.Name}' must be a UInt32 key type, but is {label.TypeDescription}; " +
                $"map it with mlContext.Transforms.Conversion.MapValueToKey(\"{label.Name}\").");
        if (label.KeyValuesItemType is { } values && !SupportedKeyValueTypes.Contains(values.RawType))
            throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label.Name}' has key values of type {values.RawType.Name}; the student's " +
                $"PredictedLabel can carry {string.Join(", ", SupportedKeyValueTypes.Select(t => t.Name))} key values. Map the label with MapValueToKey over a text column instead.");
        if (label.KeyCount is ulong count && count is < 2 or > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label.Name}' has {count} classes; multiclass classification needs at least 2.");
        return label.KeyCount is ulong k ? (int)k : null;
    }

    public override string TeacherOutputDescription(int? outputs) => "one logit per class of the label";

    /// <summary>A teacher whose classes are in another order than the label's keys would teach the wrong classes, silently.</summary>
    public override void CheckTeacherMatchesLabel(DataViewSchema.Column teacher, DataViewSchema.Column label)
    {
        if (ColumnAnnotations.SlotNames(teacher) is not { } slotNames || ColumnAnnotations.TextKeyValues(label) is not { } keyNames
            || slotNames.SequenceEqual(keyNames))
            return;
        throw new ArgumentOutOfRangeException(nameof(teacher), $"Teacher column '{teacher.Name}' lists its classes as [{string.Join(", ", slotNames)}], " +
            $"but label '{label.Name}' orders them [{string.Join(", ", keyNames)}]. Map the label with the same key order the teacher was trained with " +
            "(e.g. reuse the teacher pipeline's MapValueToKey, or MapValueToKey with keyData).");
    }

    public override TeacherLabelCheck CreateTeacherCheck(DataViewSchema.Column teacher, DataViewSchema.Column label, int outputCount,
        bool labelsWeigh)
        => TeacherLabelCheck.Combine(ProbabilityOutputsCheck.For(teacher, label.Name, outputCount),
            new ClassOrderCheck(teacher.Name, label.Name, outputCount, ColumnAnnotations.TextKeyValues(label), ColumnAnnotations.SlotNames(teacher),
                labelsWeigh));

    public override void AddOutputColumns(DataViewSchema.Builder builder, SchemaShape.Column label, int? outputs)
    {
        builder.AddColumn(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, outputs ?? 1));
        var annotations = new DataViewSchema.Annotations.Builder();
        // The predicted label carries the label's key values, so MapKeyToValue("PredictedLabel") can follow the trainer.
        if (SchemaShapes.FindAnnotation(label, ColumnView.KeyValuesAnnotation) is { } keyValues)
            SchemaShapes.AddPlaceholderAnnotation(annotations, keyValues);
        builder.AddColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), outputs ?? 1), annotations.ToAnnotations());
    }

    public override Func<float> CreateLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        var getter = cursor.GetGetter<uint>(label);
        uint key = 0;
        // Key 0 is ML.NET's missing value; keys 1..K are classes 0..K−1.
        return () =>
        {
            getter(ref key);
            return key == 0 ? float.NaN : key - 1;
        };
    }

    public override Tensor LabelTensor(ReadOnlySpan<float> labels, Device device)
    {
        var indices = GC.AllocateUninitializedArray<long>(labels.Length);
        for (int i = 0; i < labels.Length; i++)
            indices[i] = float.IsNaN(labels[i]) ? -1 : (long)labels[i];
        // from_array shares the array (tensor() would copy it element by element).
        return from_array(indices).to(device);
    }

    public override Tensor? Predictions(Tensor outputs) => outputs.argmax(1);

    // Unlabelled rows carry −1, which no arg-max equals.
    public override long CountCorrect(Tensor predictions, Tensor labels)
    {
        using var equal = predictions.eq(labels);
        return equal.sum().item<long>();
    }

    public override (long? Correct, double LossSum) ValidationSums(Tensor outputs, Tensor labels)
    {
        long correct = outputs.argmax(1).eq(labels).sum().item<long>();
        double loss = nn.functional.cross_entropy(outputs.to_type(ScalarType.Float64), labels, reduction: nn.Reduction.Sum).item<double>();
        return (correct, loss);
    }

    // Best by accuracy, ties broken by lower loss (scaled to stay below one accuracy step).
    public override double ValidationScore(double? accuracy, double loss) => accuracy!.Value - loss * 1e-9;
}
