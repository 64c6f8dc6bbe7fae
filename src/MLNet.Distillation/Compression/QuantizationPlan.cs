namespace MLNet.Distillation;

/// <summary>
/// Turns a float student's layers into quantized ones. Dense and convolution layers get int8 weights; standardisation,
/// ReLU, pooling, reshapes and the task head stay float. Dynamic (no activation ranges): each quantized layer quantizes its
/// own input per call. Static: a <see cref="QuantizeDequantizeLayer"/> marks every point where activations are uint8 —
/// before a quantized layer whose input is float (the network input, after standardisation), after the ReLU that
/// follows a quantized layer (so ONNX Runtime can fuse layer, ReLU and requantization), and again after pooling and
/// reshapes with the same parameters (so they run on the uint8 values). The point after layer j (−1: the input) takes
/// its parameters from <c>activation(j)</c>.
/// </summary>
internal static class QuantizationPlan
{
    public static List<StudentLayer> Build(IReadOnlyList<StudentLayer> layers, bool perChannel, Func<int, AffineUInt8>? activation)
    {
        var result = new List<StudentLayer>();
        AffineUInt8? current = null;       // the parameters of the current tensor when it sits on a uint8 grid (static only)
        bool afterQuantizedLayer = false;
        int lastQuantized = -1;
        for (int i = 0; i < layers.Count; i++)
            if (layers[i] is DenseLayer or Conv2dLayer)
                lastQuantized = i;

        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            switch (layer)
            {
                case DenseLayer d:
                    current = MarkInput(result, activation, current, i);
                    result.Add(new QuantizedDenseLayer(d.Inputs, d.Outputs, SymmetricInt8.Quantize(d.Weight, d.Outputs, perChannel), d.Bias,
                        current));
                    (current, afterQuantizedLayer) = (null, true);
                    break;
                case Conv2dLayer c:
                    current = MarkInput(result, activation, current, i);
                    result.Add(new QuantizedConv2dLayer(c.InChannels, c.OutChannels, c.KernelSize, c.Padding,
                        SymmetricInt8.Quantize(c.Weight, c.OutChannels, perChannel), c.Bias, current));
                    (current, afterQuantizedLayer) = (null, true);
                    break;
                case ReluLayer:
                    result.Add(layer);
                    if (activation is not null && afterQuantizedLayer && i < lastQuantized)
                    {
                        current = activation(i);
                        result.Add(new QuantizeDequantizeLayer(current));
                    }
                    afterQuantizedLayer = false;
                    break;
                case MaxPool2dLayer or FlattenLayer or ReshapeLayer:
                    // These move or pick values without changing them: the grid carries over.
                    result.Add(layer);
                    if (current is not null)
                        result.Add(new QuantizeDequantizeLayer(current));
                    afterQuantizedLayer = false;
                    break;
                default:
                    result.Add(layer);
                    (current, afterQuantizedLayer) = (null, false);
                    break;
            }
        }
        return result;
    }

    /// <summary>Static: puts a quantize/dequantize mark before layer <paramref name="i"/> unless its input is already on a grid.</summary>
    private static AffineUInt8? MarkInput(List<StudentLayer> result, Func<int, AffineUInt8>? activation, AffineUInt8? current, int i)
    {
        if (activation is null || current is not null)
            return current;
        var parameters = activation(i - 1);
        result.Add(new QuantizeDequantizeLayer(parameters));
        return parameters;
    }
}
