using Google.Protobuf;
using MLNet.Distillation.Onnx.Proto;

namespace MLNet.Distillation;

/// <summary>
/// Assembles an ONNX graph node by node. Keeps naming unique and the proto plumbing in one place,
/// so exporters read as a list of operators.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The ONNX operator set the exporters target (ArgMax, Softmax, Squeeze and Gemm as defined in opset 13).</summary>
    public const int OpsetVersion = 13;

    /// <summary>IR version 7 is the one that introduced opset 13; every ONNX Runtime since 1.6 reads it.</summary>
    public const int IrVersion = 7;

    private readonly GraphProto _graph;
    private int _nextId;

    public OnnxGraphBuilder(string graphName) => _graph = new GraphProto { Name = graphName };

    /// <summary>Declares a float graph input; a null dimension is symbolic (the batch).</summary>
    public string AddInput(string name, params long?[] shape)
    {
        _graph.Input.Add(ValueInfo(name, TensorProto.Types.DataType.Float, shape));
        return name;
    }

    /// <summary>Declares a graph input of the given element type; a null dimension is symbolic.</summary>
    public string AddInput(string name, TensorProto.Types.DataType elementType, params long?[] shape)
    {
        _graph.Input.Add(ValueInfo(name, elementType, shape));
        return name;
    }

    /// <summary>Declares a graph output of the given element type and shape (an empty shape is a scalar).</summary>
    public void AddOutput(string name, TensorProto.Types.DataType elementType, params long?[] shape)
        => _graph.Output.Add(ValueInfo(name, elementType, shape));

    /// <summary>Adds a float initializer (a constant weight) and returns its name.</summary>
    public string AddInitializer(string hint, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // raw_data is little-endian IEEE 754, the format ONNX mandates; far smaller to parse than float_data.
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX export needs a little-endian machine.");
        tensor.RawData = ByteString.CopyFrom(bytes);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int8 initializer (quantized weights) and returns its name.</summary>
    public string AddInt8Initializer(string hint, sbyte[] values, params long[] dims)
        => AddRaw(hint, TensorProto.Types.DataType.Int8, (byte[])(Array)values.Clone(), dims);

    /// <summary>Adds a uint8 initializer (activation zero points) and returns its name; no dims makes a scalar.</summary>
    public string AddUInt8Initializer(string hint, byte[] values, params long[] dims)
        => AddRaw(hint, TensorProto.Types.DataType.Uint8, (byte[])values.Clone(), dims);

    /// <summary>Adds an int32 initializer (quantized biases) and returns its name.</summary>
    public string AddInt32Initializer(string hint, int[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(int)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return AddRaw(hint, TensorProto.Types.DataType.Int32, bytes, dims);
    }

    private string AddRaw(string hint, TensorProto.Types.DataType type, byte[] littleEndian, long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX export needs a little-endian machine.");
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)type, RawData = ByteString.CopyFrom(littleEndian) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 initializer (shapes, axes) and returns its name.</summary>
    public string AddInt64Initializer(string hint, long[] values)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node and returns the name of its (single) output.</summary>
    public string AddNode(string opType, string[] inputs, string? outputName = null, params AttributeProto[] attributes)
    {
        var output = outputName ?? Unique(opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = Unique(opType + "_node") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>Adds a node with several outputs (such as DynamicQuantizeLinear's value, scale and zero point) and returns their names.</summary>
    public string[] AddNodeWithOutputs(string opType, string[] inputs, int outputCount, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(opType + "_node") };
        node.Input.AddRange(inputs);
        var outputs = Enumerable.Range(0, outputCount).Select(_ => Unique(opType.ToLowerInvariant())).ToArray();
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>Wraps the graph into a model with opset and producer information, and serialises it.</summary>
    public byte[] ToModelBytes(string docString, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MLNet.Distillation",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        if (metadata is not null)
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model.ToByteArray();
    }

    private string Unique(string hint) => $"{hint}_{_nextId++}";

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, long?[] shape)
    {
        // Shape is always set, even when empty: an empty TensorShapeProto declares a scalar, which ML.NET's
        // OnnxTransformer maps to a scalar column (a missing shape would mean "unknown rank").
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
            tensorShape.Dim.Add(dim is long fixedSize
                ? new TensorShapeProto.Types.Dimension { DimValue = fixedSize }
                : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = tensorShape } },
        };
    }
}
