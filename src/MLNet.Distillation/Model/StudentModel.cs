namespace MLNet.Distillation;

/// <summary>
/// Everything that defines a trained student at prediction time: its task, its layers with their weights, and the
/// columns it reads and writes. The ONNX exporter and the ML.NET pipeline are both built from this and nothing else,
/// so what is saved, exported and scored is always the same network.
/// </summary>
/// <param name="Task">The prediction task.</param>
/// <param name="Layers">The inference-time layers, input side first.</param>
/// <param name="Architecture">A description such as <c>MLP 784-64-10</c>.</param>
/// <param name="FeatureColumnName">The feature column (and ONNX input) name.</param>
/// <param name="InputSize">Features per row.</param>
/// <param name="OutputCount">Network outputs per row: the number of classes, or 1.</param>
/// <param name="ClassNames">The label's key values as text, in class order, when it has text key values.</param>
/// <param name="FoldedInputs">The input standardisation folded into the first dense layer (<see cref="LayerFolding"/>), kept so
/// quantization can take it out again: int8 needs the first layer's inputs on one scale, not raw columns spanning orders of magnitude.</param>
internal sealed record StudentModel(
    DistillationTask Task,
    IReadOnlyList<StudentLayer> Layers,
    string Architecture,
    string FeatureColumnName,
    int InputSize,
    int OutputCount,
    IReadOnlyList<string>? ClassNames,
    StandardizeLayer? FoldedInputs = null)
{
    /// <summary>
    /// Null for a student that reads dense rows; for one whose first layer reads sparse rows (<see cref="SparseInputLayer"/>),
    /// the (slot, value) pairs per row its saved single-row form has room for (see
    /// <see cref="DistillationTrainerOptions.MaximumNonZerosPerRow"/>).
    /// </summary>
    public int? SparsePairs { get; init; }
}
