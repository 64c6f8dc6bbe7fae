using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// Builds the fitted form of a student out of ML.NET's own stages, because ML.NET offers no public way for a
/// home-made transformer to save and load itself. Each task's chain starts with <c>ApplyOnnxModel</c> (the student as
/// ONNX, kept in memory so ML.NET stores the bytes inside the model .zip), then the task's own stages
/// (<see cref="TrainingTask.ScoringStages"/>):
/// <list type="bullet">
/// <item>multiclass: <see cref="PredictedLabelMapping"/> (arg-max) → <c>MapValue</c> (index → the label's key, with its key values);</item>
/// <item>binary: <see cref="BinaryScoreMapping"/> (logit → Score, Probability, PredictedLabel);</item>
/// <item>regression: <see cref="RegressionScoreMapping"/> (one-value vector → scalar Score).</item>
/// </list>
/// The ONNX graph cannot deliver <c>PredictedLabel</c> itself because ML.NET's OnnxTransformer maps every ONNX output
/// to a vector column, and ML.NET's evaluators expect a scalar.
/// </summary>
internal static class StudentPipelineFactory
{
    public static TransformerChain<ITransformer> Create(StudentModel model, long parameterCount, DataViewSchema.Column label, IDataView schemaSource)
    {
        // The stages are fixed functions of the trained weights (no randomness, nothing learned), so a private context builds them.
        var mlContext = new MLContext(seed: 0);
        var onnx = SavedGraph(model, parameterCount);
        var estimator = Onnx(mlContext, model, onnx).Append(TrainingTask.Of(model.Task).ScoringStages(mlContext, label, model.OutputCount));
        // One flat chain of ITransformer whatever the task (a chain's type argument is its last stage's type).
        return new TransformerChain<ITransformer>(((IEnumerable<ITransformer>)estimator.Fit(schemaSource)).ToArray());
    }

    /// <summary>
    /// The chain of <paramref name="scored"/> with its first stage (the ONNX scoring stage) rebuilt from <paramref name="model"/>:
    /// for a student whose network changed (quantized) but whose outputs and mapping stages did not.
    /// </summary>
    public static TransformerChain<ITransformer> ReplaceNetwork(TransformerChain<ITransformer> scored, StudentModel model, long parameterCount)
    {
        var stages = ((IEnumerable<ITransformer>)scored).ToArray();
        if (stages.Length == 0 || stages[0] is not Microsoft.ML.Transforms.Onnx.OnnxTransformer)
            throw new InvalidOperationException("The student's chain does not start with its ONNX scoring stage.");
        var mlContext = new MLContext(seed: 0);
        // ApplyOnnxModel's Fit reads only the schema: an empty view with the feature column is enough.
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[nameof(FeatureRow.Features)].ColumnName = model.FeatureColumnName;
        definition[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.InputSize);
        var empty = mlContext.Data.LoadFromEnumerable(new List<FeatureRow>(), definition);
        var onnx = Onnx(mlContext, model, SavedGraph(model, parameterCount)).Fit(empty);
        return new TransformerChain<ITransformer>([onnx, .. stages.Skip(1)]);
    }

    /// <summary>The single-row graph the saved model carries, with the parameter count a reloaded model reports.</summary>
    private static byte[] SavedGraph(StudentModel model, long parameterCount)
        => StudentOnnxExporter.Export(model, OnnxLayout.SingleRow,
            new Dictionary<string, string>
            {
                [StudentOnnxExporter.ParametersMetadataKey] = parameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture)
            });

    /// <summary>
    /// The student as ONNX, writing a vector <c>Score</c> column (ML.NET stores the model bytes inside the saved .zip). A
    /// student that reads sparse rows gets them as (slot, value) pairs (<see cref="SparseFeaturePairs"/>): the feature
    /// column is copied under the mapping's fixed name, turned into pairs, scored, and the helper columns dropped again.
    /// </summary>
    private static IEstimator<ITransformer> Onnx(MLContext mlContext, StudentModel model, byte[] onnx)
    {
        if (model.SparsePairs is not int capacity)
            return mlContext.Transforms.ApplyOnnxModel([DefaultColumnNames.Score], [model.FeatureColumnName], new MemoryStream(onnx));
        string[] pairs = [SparseFeaturePairs.SlotsColumn, SparseFeaturePairs.ValuesColumn, SparseFeaturePairs.CountColumn];
        return mlContext.Transforms.CopyColumns(SparseFeaturePairs.FeaturesColumn, model.FeatureColumnName)
            .Append(PairsStage(mlContext, capacity))
            .Append(mlContext.Transforms.ApplyOnnxModel([DefaultColumnNames.Score], pairs, new MemoryStream(onnx)))
            .Append(mlContext.Transforms.DropColumns([SparseFeaturePairs.FeaturesColumn, .. pairs]));
    }

    /// <summary>
    /// The mapping stage with room for <paramref name="capacity"/> pairs (one factory per capacity: a column's size is
    /// part of its type).
    /// </summary>
    private static IEstimator<ITransformer> PairsStage(MLContext mlContext, int capacity) => capacity switch
    {
        256 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs256Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        512 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs512Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        1024 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs1024Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        2048 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs2048Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        4096 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs4096Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        8192 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs8192Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        16384 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs16384Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        32768 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs32768Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        65536 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs65536Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        131072 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs131072Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        262144 => mlContext.Transforms.CustomMapping(new SparseFeaturePairs262144Mapping().GetMapping(), SparseFeaturePairs.ContractName(capacity)),
        _ => throw new ArgumentOutOfRangeException(nameof(capacity), $"No sparse pair mapping holds {capacity} pairs; the capacities are {string.Join(", ", SparseFeaturePairs.Capacities)}."),
    };

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
