using Google.Protobuf;
using MLNet.Distillation.Onnx.Proto;

namespace MLNet.Distillation;

/// <summary>Counts the numbers an ONNX model stores: the elements of its graph initializers (weights, biases, and any
/// other constant tensors such as batch-norm statistics); for a student this library exported, the trainer's count that
/// the graph carries in its metadata (its initializers also hold shapes and a threshold, and BatchNorm folded away).</summary>
internal static class OnnxParameters
{
    /// <summary>Σ over initializers of the product of their dimensions; null when the bytes are not an ONNX model.</summary>
    /// <param name="model">The ONNX model bytes.</param>
    public static long? Count(byte[] model)
    {
        ModelProto proto;
        try { proto = ModelProto.Parser.ParseFrom(model); }
        catch (InvalidProtocolBufferException) { return null; }
        if (proto.ProducerName == "MLNet.Distillation"
            && proto.MetadataProps.FirstOrDefault(p => p.Key == StudentOnnxExporter.ParametersMetadataKey) is { } entry
            && long.TryParse(entry.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out long recorded))
            return recorded;
        long total = 0;
        foreach (var tensor in proto.Graph?.Initializer ?? [])
            total += tensor.Dims.Aggregate(1L, (product, dim) => product * dim);
        return total;
    }
}
