namespace MLNet.Distillation;

/// <summary>Which input/output layout an exported ONNX student has.</summary>
public enum OnnxLayout
{
    /// <summary>Input [N, F]; outputs for every row (multiclass: Logits [N, K], Score [N, K] and PredictedLabel [N], an int64 class index).</summary>
    Batch,

    /// <summary>
    /// Input [1, F]; outputs shaped for ML.NET's OnnxTransformer, which scores one row at a time (multiclass: Score [K]
    /// and a scalar PredictedLabel).
    /// </summary>
    SingleRow,
}
