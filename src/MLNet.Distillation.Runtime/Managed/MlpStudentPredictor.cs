using System.Numerics.Tensors;
using MLNet.Distillation.Onnx.Proto;

namespace MLNet.Distillation.Runtime;

/// <summary>
/// Scores one row at a time with an MLP student, in managed code: the exported ONNX file's weights, run by
/// System.Numerics.Tensors' vectorised kernels into buffers made once, with no ONNX Runtime session, no ML.NET schema and
/// no allocation per call. For hot paths (a request handler scoring single rows) where PredictionEngine's per-call cost
/// matters; outputs equal ONNX Runtime's on the same file within float rounding (the test checks 1e-5).
/// <para>
/// It reads the file <c>StudentTransformer.SaveOnnx</c> writes (the default batch layout) for students made of dense
/// layers, ReLU and the standardisation the trainer folds in (<c>MlpStudent</c>); any other operator (a convolution) is
/// refused when loading, naming it, and so is an int8-quantized student. One instance is not safe to call from several threads at once (it reuses its
/// buffers): give each thread its own (<see cref="Clone"/> shares the weights).
/// </para>
/// </summary>
public sealed class MlpStudentPredictor
{
    private readonly Step[] _steps;
    private readonly float[][] _values;   // one buffer per value of the graph, index 0 the input
    private readonly int _logits;
    private readonly float[] _score;
    private readonly RuntimeTask _task;   // how the logits become Score, a class and a probability

    private MlpStudentPredictor(Step[] steps, int[] sizes, int logits, RuntimeTask task, string inputName)
    {
        _steps = steps;
        _values = sizes.Select(n => new float[n]).ToArray();
        _logits = logits;
        _task = task;
        InputName = inputName;
        _score = new float[OutputCount];
    }

    /// <summary>The task the student was trained for, read from the file's outputs.</summary>
    public DistillationTask Task => _task.Kind;

    /// <summary>The ONNX input's name (the feature column's).</summary>
    public string InputName { get; }

    /// <summary>Features per row.</summary>
    public int FeatureCount => _values[0].Length;

    /// <summary>Values in <see cref="Score"/>: the class count for multiclass, 1 for binary and regression.</summary>
    public int OutputCount => _values[_logits].Length;

    /// <summary>Reads an MLP student from an ONNX file written by <c>StudentTransformer.SaveOnnx</c>.</summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or not an MLP student's (the message names what differs).</exception>
    public static MlpStudentPredictor Load(string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(onnxPath);
        try
        {
            return FromOnnx(File.ReadAllBytes(onnxPath));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{onnxPath}': {e.Message}", e);
        }
    }

    /// <summary>Reads an MLP student from the bytes of its ONNX model (<c>StudentTransformer.ToOnnx()</c>).</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model, or not an MLP student's.</exception>
    public static MlpStudentPredictor FromOnnx(byte[] onnxModel)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnxModel);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("Not an ONNX model: " + e.Message, e);
        }
        return MlpGraphReader.Read(model.Graph ?? throw new InvalidDataException("The ONNX model has no graph."));
    }

    internal static MlpStudentPredictor Create(Step[] steps, int[] sizes, int logits, RuntimeTask task, string inputName)
        => new(steps, sizes, logits, task, inputName);

    /// <summary>A predictor over the same weights with buffers of its own, for another thread.</summary>
    public MlpStudentPredictor Clone() => new(_steps, _values.Select(v => v.Length).ToArray(), _logits, _task, InputName);

    /// <summary>
    /// Writes ML.NET's <c>Score</c> column for one row into <paramref name="score"/>: the class probabilities (multiclass,
    /// <see cref="OutputCount"/> values), the logit (binary) or the prediction in the label's units (regression).
    /// </summary>
    /// <exception cref="ArgumentException">The spans do not have <see cref="FeatureCount"/> and <see cref="OutputCount"/> values.</exception>
    public void Score(ReadOnlySpan<float> features, Span<float> score)
    {
        if (score.Length != OutputCount)
            throw new ArgumentException($"The score span has {score.Length} values; this student writes {OutputCount}.", nameof(score));
        _task.Score(Forward(features), score);
    }

    /// <summary>
    /// The predicted class of one row: for multiclass the index of the highest score (the first on ties, as ONNX's
    /// ArgMax), in the order of the label's key values, or −1 when the scores are NaN (a NaN feature: the saved ML.NET model
    /// predicts the missing key then, never a class); for binary 1 when the logit is above 0, else 0 (NaN included, as
    /// ML.NET's binary trainers).
    /// </summary>
    /// <exception cref="InvalidOperationException">The student is a regression student.</exception>
    public int PredictClass(ReadOnlySpan<float> features)
    {
        var logits = Forward(features);
        CheckPredictsClass();
        return _task.ClassOf(logits);
    }

    /// <summary>
    /// Writes the <c>Score</c> column into <paramref name="score"/> (as <see cref="Score"/>) and returns the predicted class
    /// (as <see cref="PredictClass(ReadOnlySpan{float})"/>), from one pass through the network.
    /// </summary>
    /// <exception cref="InvalidOperationException">The student is a regression student.</exception>
    public int PredictClass(ReadOnlySpan<float> features, Span<float> score)
    {
        CheckPredictsClass();
        Score(features, score);
        return _task.ClassOf(_values[_logits]);
    }

    /// <summary>Refuses a class from a student whose task predicts none (regression), with the task's reason.</summary>
    private void CheckPredictsClass()
    {
        if (_task.NoClass is string reason)
            throw new InvalidOperationException(reason);
    }

    /// <summary>The probability of the positive class (binary students): the sigmoid of the logit, ML.NET's <c>Probability</c>.</summary>
    /// <exception cref="InvalidOperationException">The student is not a binary classifier.</exception>
    public float PredictProbability(ReadOnlySpan<float> features)
    {
        if (_task.NoProbability is string reason)
            throw new InvalidOperationException(reason);
        return _task.Probability(Forward(features), _score);
    }

    /// <summary>Runs the network on one row and returns its raw outputs (a view of an internal buffer).</summary>
    private ReadOnlySpan<float> Forward(ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureCount)
            throw new ArgumentException($"The row has {features.Length} features; the student reads {FeatureCount} ('{InputName}').",
                nameof(features));
        features.CopyTo(_values[0]);
        foreach (var step in _steps)
            step.Run(_values);
        return _values[_logits];
    }

    /// <summary>One operator of the network, reading and writing value buffers by index.</summary>
    internal abstract class Step(int input, int output)
    {
        protected int Input { get; } = input;

        protected int Output { get; } = output;

        public abstract void Run(float[][] values);
    }

    /// <summary>y = W·x + b with W stored [outputs, inputs] (ONNX Gemm with transB = 1, as the trainer writes it).</summary>
    internal sealed class Dense(int input, int output, float[] weight, float[] bias, int inputs) : Step(input, output)
    {
        public override void Run(float[][] values)
        {
            ReadOnlySpan<float> x = values[Input];
            var y = values[Output];
            for (int o = 0; o < y.Length; o++)
                y[o] = TensorPrimitives.Dot(new ReadOnlySpan<float>(weight, o * inputs, inputs), x) + bias[o];
        }
    }

    /// <summary>Element-wise with a constant vector: ONNX Sub, Mul or Add (the standardisation before the first layer).</summary>
    internal sealed class WithConstant(int input, int output, float[] constant, string op) : Step(input, output)
    {
        public override void Run(float[][] values)
        {
            switch (op)
            {
                case "Sub": TensorPrimitives.Subtract(values[Input], constant, values[Output]); break;
                case "Mul": TensorPrimitives.Multiply(values[Input], constant, values[Output]); break;
                default: TensorPrimitives.Add(values[Input], constant, values[Output]); break;
            }
        }
    }

    /// <summary>ONNX Relu.</summary>
    internal sealed class Relu(int input, int output) : Step(input, output)
    {
        public override void Run(float[][] values) => TensorPrimitives.Max(values[Input], 0f, values[Output]);
    }
}
