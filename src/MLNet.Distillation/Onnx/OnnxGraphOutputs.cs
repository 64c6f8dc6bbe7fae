using Google.Protobuf;
using MLNet.Distillation.Onnx.Proto;

namespace MLNet.Distillation;

/// <summary>
/// Makes intermediate tensors of an ONNX model readable: ONNX Runtime returns graph outputs only, so a node output asked
/// for as a teacher's intermediate output is added to the graph's outputs (without a declared type: ONNX Runtime infers
/// it from the node). The model is otherwise written back as read (protobuf keeps the fields our schema subset does not name).
/// </summary>
internal static class OnnxGraphOutputs
{
    /// <summary>The model with every name in <paramref name="names"/> a graph output; throws naming a tensor the graph does not have.</summary>
    /// <param name="model">The ONNX model bytes.</param>
    /// <param name="names">Node output (or graph input) names.</param>
    /// <param name="source">The model's description, for messages.</param>
    public static byte[] Expose(byte[] model, IReadOnlyList<string> names, string source)
    {
        ModelProto proto;
        try { proto = ModelProto.Parser.ParseFrom(model); }
        catch (InvalidProtocolBufferException e)
        { throw new InvalidDataException($"The ONNX teacher model '{source}' could not be read as an ONNX model: {e.Message}", e); }
        var graph = proto.Graph;
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var available = graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0).ToList();
        var known = available.Concat(graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (outputs.Contains(name))
                continue;
            if (!known.Contains(name))
                throw new ArgumentException($"The ONNX teacher model '{source}' has no tensor named '{name}' to emit as an intermediate output. " +
                    $"Its node outputs are: {Describe(available)}.");
            graph.Output.Add(new ValueInfoProto { Name = name });
            outputs.Add(name);
        }
        return proto.ToByteArray();
    }

    /// <summary>Up to 40 names, then how many more: enough to find the tensor in a message, without printing a whole graph.</summary>
    private static string Describe(List<string> names)
        => string.Join(", ", names.Take(40)) + (names.Count > 40 ? $" and {names.Count - 40} more" : "");
}
