using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A trained student as an ML.NET transformer. It reads the feature column and writes the columns ML.NET's own trainers
/// of its task write (multiclass: <c>Score</c> with the class probabilities and a key-typed <c>PredictedLabel</c>).
/// Underneath it is a chain of ML.NET's built-in stages (see <see cref="Pipeline"/>); saving writes that chain, so a saved
/// student loads as a plain ML.NET model that runs on ONNX Runtime (register <c>MLNet.Distillation.Runtime</c>, or use
/// <c>mlContext.Distillation.LoadModel</c>, so ML.NET finds its small mapping stages).
/// </summary>
public sealed class StudentTransformer : ITransformer, IDisposable
{
    private readonly StudentModel _model;

    internal StudentTransformer(StudentModel model, TransformerChain<ITransformer> pipeline, long parameterCount,
        IReadOnlyList<EpochReport> history, int bestEpoch, TrainingProfile profile)
    {
        _model = model;
        Pipeline = pipeline;
        ParameterCount = parameterCount;
        TrainingHistory = history;
        BestEpoch = bestEpoch;
        Profile = profile;
    }

    /// <summary>What defines the student at prediction time (its layers and columns): what pruning and quantization start from.</summary>
    internal StudentModel Model => _model;

    /// <summary>The built-in ML.NET stages that score the student.</summary>
    public TransformerChain<ITransformer> Pipeline { get; }

    /// <summary>The prediction task the student was trained for.</summary>
    public DistillationTask Task => _model.Task;

    /// <summary>A description of the network, such as <c>MLP 784-64-10</c>.</summary>
    public string Architecture => _model.Architecture;

    /// <summary>The feature column the student reads.</summary>
    public string FeatureColumnName => _model.FeatureColumnName;

    /// <summary>Features per row.</summary>
    public int InputSize => _model.InputSize;

    /// <summary>Network outputs per row: the number of classes for multiclass classification, 1 for binary classification and regression.</summary>
    public int OutputCount => _model.OutputCount;

    /// <summary>The label's key values as text, in class order, when the label has text key values; else null.</summary>
    public IReadOnlyList<string>? ClassNames => _model.ClassNames;

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
    /// <param name="layout">Batch (input [N, F]; outputs for every row) or single-row, as ML.NET scores it.</param>
    public byte[] ToOnnx(OnnxLayout layout = OnnxLayout.Batch)
        => StudentOnnxExporter.Export(_model, layout,
            new Dictionary<string, string>
            {
                ["architecture"] = Architecture,
                [StudentOnnxExporter.ParametersMetadataKey] = ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture)
            });

    /// <summary>Writes the student as an ONNX file (to a temporary name first, then renamed, so a failure leaves no partial file).</summary>
    /// <param name="path">Destination .onnx path.</param>
    /// <param name="layout">Input/output layout.</param>
    public void SaveOnnx(string path, OnnxLayout layout = OnnxLayout.Batch)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, ToOnnx(layout));
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
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: var size } || item != NumberDataViewType.Single
            || size != InputSize)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{FeatureColumnName}' must be a vector of {InputSize} Single values, but is {column.Type}.");
    }
}
