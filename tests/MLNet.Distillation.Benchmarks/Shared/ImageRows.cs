using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>A Fashion-MNIST image as PredictionEngine's input: 784 pixels.</summary>
internal sealed class ImageInput
{
    [VectorType(784)] public float[] Features { get; set; } = [];
}

/// <summary>A multiclass student's prediction for one image: the label's key and the class probabilities.</summary>
internal sealed class ImagePrediction
{
    public uint PredictedLabel { get; set; }
    public float[] Score { get; set; } = [];
}
