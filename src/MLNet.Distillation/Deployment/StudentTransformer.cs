using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Export;
using MLNet.Distillation.Students;
using MLNet.Distillation.Training;

namespace MLNet.Distillation.Deployment;

/// <summary>
/// A trained student as an ML.NET transformer: reads the feature column and writes <c>Score</c> (class
/// probabilities) and <c>PredictedLabel</c> (the label's key type), like ML.NET's own multiclass trainers.
/// Underneath it is a chain of ML.NET's built-in stages (see <see cref="Pipeline"/>); saving writes that chain,
/// so a saved student loads as a plain ML.NET model that runs on ONNX Runtime (register this assembly, or use
/// <c>mlContext.Distillation.LoadModel</c>, so ML.NET finds the arg-max stage).
/// </summary>
public sealed class StudentTransformer : ITransformer, IDisposable
{
    private readonly IReadOnlyList<StudentLayer> _layers;

    internal StudentTransformer(TransformerChain<ITransformer> pipeline, IReadOnlyList<StudentLayer> layers, string architecture,
        string featureColumnName, int inputSize, int classCount, long parameterCount, IReadOnlyList<EpochReport> history, int bestEpoch,
        IReadOnlyList<string>? classNames, TrainingProfile profile)
    {
        Profile = profile;
        ClassNames = classNames;
        Pipeline = pipeline;
        _layers = layers;
        Architecture = architecture;
        FeatureColumnName = featureColumnName;
        InputSize = inputSize;
        ClassCount = classCount;
        ParameterCount = parameterCount;
        TrainingHistory = history;
        BestEpoch = bestEpoch;
    }

    /// <summary>The built-in ML.NET stages that score the student.</summary>
    public TransformerChain<ITransformer> Pipeline { get; }

    /// <summary>A description of the network, such as <c>MLP 784-64-10</c>.</summary>
    public string Architecture { get; }

    /// <summary>The feature column the student reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Features per row.</summary>
    public int InputSize { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The label's key values as text, in class order, when the label has text key values; else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount { get; }

    /// <summary>One report per epoch that ran.</summary>
    public IReadOnlyList<EpochReport> TrainingHistory { get; }

    /// <summary>Where the Fit spent its time (data loading, training, inside TorchSharp).</summary>
    public TrainingProfile Profile { get; }

    /// <summary>The epoch whose weights the student has: the best validation epoch when there was a validation set, else the last.</summary>
    public int BestEpoch { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>The student as an ONNX model.</summary>
    /// <param name="layout">Batch (input [N, F]; outputs Logits, Score, PredictedLabel) or single-row, as ML.NET scores it.</param>
    public byte[] ToOnnx(OnnxLayout layout = OnnxLayout.Batch)
        => StudentOnnxExporter.Export(_layers, InputSize, ClassCount, FeatureColumnName, layout,
            new Dictionary<string, string> { ["architecture"] = Architecture, ["parameters"] = ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    /// <summary>Writes the student as an ONNX file (to a temporary name first, then renamed, so a failure leaves no partial file).</summary>
    /// <param name="path">Destination .onnx path.</param>
    /// <param name="layout">Input/output layout.</param>
    public void SaveOnnx(string path, OnnxLayout layout = OnnxLayout.Batch)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Internal.AtomicFile.WriteAllBytes(path, ToOnnx(layout));
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckFeatures(inputSchema);
        return Pipeline.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckFeatures(inputSchema);
        return ((ITransformer)Pipeline).GetRowToRowMapper(inputSchema);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckFeatures(input.Schema);
        return Pipeline.Transform(input);
    }

    /// <summary>Saves the built-in chain in place of this wrapper; it loads back as a <see cref="TransformerChain{TLastTransformer}"/>.</summary>
    /// <param name="ctx">ML.NET's save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)Pipeline).Save(ctx);

    /// <summary>Releases the ONNX Runtime session of the scoring stage (shared with any chain that holds this student).</summary>
    public void Dispose() => Pipeline.Dispose();

    private void CheckFeatures(DataViewSchema schema)
    {
        var column = schema.GetColumnOrNull(FeatureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{FeatureColumnName}' was not found in the data.");
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: var size } || item != NumberDataViewType.Single || size != InputSize)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{FeatureColumnName}' must be a vector of {InputSize} Single values, but is {column.Type}.");
    }
}
