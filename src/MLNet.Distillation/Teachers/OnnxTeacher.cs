using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Distillation;

/// <summary>
/// A teacher that is an ONNX model, run by ONNX Runtime on whole blocks of rows at once (one
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// per block, over a buffer that is reused): row-at-a-time scoring would spend most of its time in per-call overhead.
/// </summary>
internal sealed class OnnxTeacher : Teacher
{
    private readonly InferenceSession _session;
    private readonly OnnxTeacherOptions _options;
    private readonly string _source;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly int[] _rowShape;
    private readonly int _rowSize;
    private readonly int _fixedBatch; // > 0 when the model's batch dimension is a constant
    private readonly int _classCount;
    private readonly string _modelDigest;
    private readonly byte[] _model;
    private readonly string[] _intermediates;
    private readonly int[] _intermediateWidths;

    internal OnnxTeacher(byte[] model, string source, OnnxTeacherOptions options) : this(model, source, options, []) { }

    /// <param name="model">The model as given (intermediate outputs are exposed on a copy).</param>
    /// <param name="source">The model's description, for messages.</param>
    /// <param name="options">Input/output mapping.</param>
    /// <param name="intermediates">Tensors to emit after the logits (node outputs; added to the graph's outputs when they are not).</param>
    private OnnxTeacher(byte[] model, string source, OnnxTeacherOptions options, string[] intermediates)
    {
        _model = model;
        _intermediates = intermediates;
        _modelDigest = Digest(model);
        _options = options;
        _source = source;
        if (intermediates.Length > 0)
            model = OnnxGraphOutputs.Expose(model, intermediates, source);
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpNumThreads is int threads)
            sessionOptions.IntraOpNumThreads = threads;
        try { _session = new InferenceSession(model, sessionOptions); }
        catch (OnnxRuntimeException e)
        { throw new InvalidDataException($"The ONNX teacher model '{source}' could not be loaded by ONNX Runtime: {e.Message}", e); }

        try
        {
            _inputName = ResolveName(options.OnnxInputName, _session.InputMetadata, "input", nameof(OnnxTeacherOptions.OnnxInputName), single: true);
            _outputName = ResolveName(options.OnnxOutputName, _session.OutputMetadata, "output", nameof(OnnxTeacherOptions.OnnxOutputName),
                single: false);

            var input = _session.InputMetadata[_inputName];
            var output = _session.OutputMetadata[_outputName];
            if (input.ElementType != typeof(float))
                throw new ArgumentException($"ONNX teacher '{source}': input '{_inputName}' has element type {input.ElementType.Name}; only float inputs are supported.");
            if (output.ElementType != typeof(float))
                throw new ArgumentException($"ONNX teacher '{source}': output '{_outputName}' has element type {output.ElementType.Name}; expected float logits or probabilities.");

            int[] declared = input.Dimensions;
            _fixedBatch = declared.Length > 0 && declared[0] > 0 ? declared[0] : 0;
            _rowShape = RowShape(options, declared, source, _inputName);
            _rowSize = _rowShape.Aggregate(1, (a, b) => checked(a * b));
            _classCount = OutputWidth(options, output.Dimensions, source, _outputName);
            if (options.ClassNames is { } names && names.Length != _classCount)
                throw new ArgumentException($"{nameof(OnnxTeacherOptions)}.{nameof(OnnxTeacherOptions.ClassNames)} has {names.Length} names but output '{_outputName}' has {_classCount} classes.");
            _intermediateWidths = IntermediateWidths();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>One row's shape: the option's, checked against the input's declared rank, or the declared one when it is fixed.</summary>
    private static int[] RowShape(OnnxTeacherOptions options, int[] declared, string source, string inputName)
    {
        var shape = options.InputShape ?? declared.Skip(1).ToArray();
        if (shape.Any(d => d <= 0))
            throw new ArgumentException(
                $"ONNX teacher '{source}': input '{inputName}' has a symbolic dimension in [{string.Join(", ", declared)}]; " +
                $"set {nameof(OnnxTeacherOptions)}.{nameof(OnnxTeacherOptions.InputShape)} to the shape of one row.");
        if (options.InputShape is not null && declared.Length != options.InputShape.Length + 1)
            throw new ArgumentException($"ONNX teacher '{source}': {nameof(OnnxTeacherOptions.InputShape)} [{string.Join(", ", options.InputShape)}] has rank {options.InputShape.Length}, " +
                $"but input '{inputName}' is declared [{string.Join(", ", declared)}] (rank {declared.Length} including the batch).");
        return shape;
    }

    /// <summary>The values per row of the output: the option's, checked against the declared shape, or the declared count.</summary>
    private static int OutputWidth(OnnxTeacherOptions options, int[] outDims, string source, string outputName)
    {
        // [N] is one value per row (a binary logit or probability, a regression value); [N, K, ...] is K·... per row.
        int declaredClasses = outDims.Length == 1 ? 1
            : outDims.Length >= 2 && outDims.Skip(1).All(d => d > 0) ? outDims.Skip(1).Aggregate(1, (a, b) => a * b) : -1;
        if (options.ClassCount is int given)
        {
            if (given <= 0)
                throw new ArgumentException($"{nameof(OnnxTeacherOptions)}.{nameof(OnnxTeacherOptions.ClassCount)} must be positive, not {given}.");
            if (declaredClasses > 0 && declaredClasses != given)
                throw new ArgumentException($"ONNX teacher '{source}': {nameof(OnnxTeacherOptions.ClassCount)} is {given} but output '{outputName}' declares {declaredClasses} values per row.");
            return given;
        }
        if (declaredClasses > 0)
            return declaredClasses;
        throw new ArgumentException($"ONNX teacher '{source}': output '{outputName}' has shape [{string.Join(", ", outDims)}], so the class count is unknown; " +
            $"set {nameof(OnnxTeacherOptions)}.{nameof(OnnxTeacherOptions.ClassCount)}.");
    }

    /// <inheritdoc />
    public override string Description => $"ONNX model '{_source}' ({_inputName} -> {_outputName}{string.Concat(_intermediates.Select(i => ", " + i))})";

    internal override Teacher WithIntermediateOutputs(IReadOnlyList<string> names)
        => new OnnxTeacher(_model, _source, _options, [.. _intermediates, .. names]);

    /// <summary>
    /// Values per row of each intermediate output: from the declared shape when every dimension after the batch is known,
    /// else from one run on a row of zeros (node outputs added to the graph carry no declared shape).
    /// </summary>
    private int[] IntermediateWidths()
    {
        if (_intermediates.Length == 0)
            return [];
        var widths = new int[_intermediates.Length];
        List<string>? probe = null;
        for (int i = 0; i < _intermediates.Length; i++)
        {
            var metadata = _session.OutputMetadata[_intermediates[i]];
            if (metadata.ElementType != typeof(float))
                throw new ArgumentException($"ONNX teacher '{_source}': intermediate output '{_intermediates[i]}' has element type {metadata.ElementType.Name}; only float tensors can be emitted.");
            int[] dims = metadata.Dimensions;
            if (dims.Length >= 2 && dims.Skip(1).All(d => d > 0))
                widths[i] = dims.Skip(1).Aggregate(1, (a, b) => checked(a * b));
            else
                (probe ??= []).Add(_intermediates[i]);
        }
        if (probe is not null)
        {
            int rows = Math.Max(1, _fixedBatch);
            var zeros = new float[rows * _rowSize];
            using var value = OrtValue.CreateTensorValueFromMemory(zeros, [rows, .. _rowShape.Select(d => (long)d)]);
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, [_inputName], [value], probe);
            for (int p = 0; p < probe.Count; p++)
            {
                var shape = outputs[p].GetTensorTypeAndShape().Shape;
                if (shape.Length == 0 || shape[0] != rows)
                    throw new ArgumentException($"ONNX teacher '{_source}': intermediate output '{probe[p]}' has shape [{string.Join(", ", shape)}] for {rows} input rows; " +
                        "only tensors whose first dimension is the batch can be emitted per row.");
                widths[Array.IndexOf(_intermediates, probe[p])] = checked((int)shape.Skip(1).Aggregate(1L, (a, b) => a * b));
            }
        }
        return widths;
    }

    /// <summary>Number of classes (values per row of the scored output).</summary>
    public int ClassCount => _classCount;

    /// <summary>The model input fed from the data column.</summary>
    public string OnnxInputName => _inputName;

    /// <summary>The model output used as class scores.</summary>
    public string OnnxOutputName => _outputName;

    internal override string Fingerprint() => Digest("onnx", _modelDigest, _options.InputColumnName, _inputName, _outputName,
        string.Join(",", _rowShape), _options.OutputKind ?? TeacherOutputKind.Logits, _classCount, string.Join("\n", _intermediates));

    internal override long SerializedBytes(MLContext mlContext, DataViewSchema inputSchema) => _model.Length;

    internal override long? ParameterCount() => OnnxParameters.Count(_model);

    internal override void CheckInputShape(SchemaShape inputShape)
    {
        if (ColumnView.Find(inputShape, _options.InputColumnName) is not { } column)
            throw new ArgumentOutOfRangeException(nameof(inputShape),
                $"Teacher input column '{_options.InputColumnName}' was not found in the data.");
        if (!column.IsKnownSizeVector || column.IsKey || column.RawItemType != typeof(float))
            throw new ArgumentOutOfRangeException(nameof(inputShape), $"Teacher input column '{_options.InputColumnName}' must be a known-size vector of Single, but is {column.TypeDescription}.");
    }

    internal override TeacherBinding Bind(DataViewSchema inputSchema)
    {
        var column = inputSchema.GetColumnOrNull(_options.InputColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher input column '{_options.InputColumnName}' was not found in the data (columns: {string.Join(", ", inputSchema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType itemType } vector || itemType != NumberDataViewType.Single
            || !vector.IsKnownSize)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher input column '{_options.InputColumnName}' must be a known-size vector of Single, but is {column.Type}.");
        if (vector.Size != _rowSize)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher input column '{_options.InputColumnName}' has {vector.Size} values per row, " +
                $"but ONNX input '{_inputName}' takes [{string.Join(", ", _rowShape)}] = {_rowSize} per row.");
        return new Binding(this, column);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _session.Dispose();
    }

    private static string ResolveName(string? requested, IReadOnlyDictionary<string, NodeMetadata> available, string what, string option, bool single)
    {
        if (requested is not null)
        {
            if (!available.ContainsKey(requested))
                throw new ArgumentException($"The ONNX model has no {what} named '{requested}' ({option}); its {what}s are: {string.Join(", ", available.Keys)}.");
            return requested;
        }
        if (single && available.Count != 1)
            throw new ArgumentException($"The ONNX model has {available.Count} {what}s ({string.Join(", ", available.Keys)}); set {option} to choose one.");
        return available.Keys.First();
    }

    private sealed class Binding(OnnxTeacher teacher, DataViewSchema.Column column) : TeacherBinding
    {
        public override int ClassCount => teacher._classCount;

        public override IReadOnlyList<int> IntermediateWidths => teacher._intermediateWidths;

        public override ReadOnlyMemory<char>[]? ClassNames => teacher._options.ClassNames?.Select(n => n.AsMemory()).ToArray();

        public override bool OutputKindStated => teacher._options.OutputKind is not null;

        public override IReadOnlyList<DataViewSchema.Column>? InputColumns => [column];

        public override TeacherBlockReader CreateReader(IDataView input, IReadOnlyList<DataViewSchema.Column> fingerprintColumns)
        {
            var (cursor, fingerprint) = OpenCursor(input, [column], fingerprintColumns);
            return new Reader(teacher, cursor, column.Index, fingerprint);
        }
    }

    private sealed class Reader : TeacherBlockReader
    {
        private readonly OnnxTeacher _teacher;
        private readonly DataViewRowCursor _cursor;
        private readonly ValueGetter<VBuffer<float>> _getter;
        private readonly ValueGetter<DataViewRowId> _idGetter;
        private readonly RunOptions _runOptions = new();
        private readonly string[] _outputNames;
        private VBuffer<float> _row;
        private float[] _inputBuffer = [];

        private readonly int _columnIndex;
        private readonly RowFingerprint _fingerprint;

        public Reader(OnnxTeacher teacher, DataViewRowCursor cursor, int columnIndex, RowFingerprint fingerprint)
        {
            _columnIndex = columnIndex;
            _fingerprint = fingerprint;
            _teacher = teacher;
            _cursor = cursor;
            _getter = cursor.GetGetter<VBuffer<float>>(cursor.Schema[columnIndex]);
            _idGetter = cursor.GetIdGetter();
            _outputNames = [teacher._outputName, .. teacher._intermediates];
        }

        public override int Read(int rows, Span<float> logits, Span<DataViewRowId> ids, Span<ulong> fingerprints)
        {
            int rowSize = _teacher._rowSize, classes = _teacher._classCount, rowWidth = classes + _teacher._intermediateWidths.Sum();
            int capacity = _teacher._fixedBatch > 0 ? RoundUp(rows, _teacher._fixedBatch) : rows;
            if ((long)capacity * rowSize > Array.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(rows), $"A block of {capacity:N0} rows of {rowSize:N0} inputs for {_teacher.Description} " +
                    "does not fit in one array; use a smaller TeacherScore BatchSize.");
            if (_inputBuffer.Length < capacity * rowSize)
                _inputBuffer = new float[capacity * rowSize];

            int read = 0;
            while (read < rows && _cursor.MoveNext())
            {
                _getter(ref _row);
                if (_row.Length != rowSize)
                    throw new InvalidOperationException($"Column '{_cursor.Schema[_columnIndex].Name}' declares {rowSize} values per row, but row {_cursor.Position} holds {_row.Length}; " +
                        "the data source does not keep to its own schema.");
                _row.CopyTo(_inputBuffer.AsSpan(read * rowSize, rowSize));
                _idGetter(ref ids[read]);
                fingerprints[read] = _fingerprint.Current();
                read++;
            }
            if (read == 0)
                return 0;

            // A model with a constant batch size gets whole batches; the padding rows' outputs are discarded.
            int chunk = _teacher._fixedBatch > 0 ? _teacher._fixedBatch : read;
            int padded = _teacher._fixedBatch > 0 ? RoundUp(read, chunk) : read;
            _inputBuffer.AsSpan(read * rowSize, (padded - read) * rowSize).Clear();
            for (int start = 0; start < padded; start += chunk)
            {
                long[] shape = [chunk, .. _teacher._rowShape.Select(d => (long)d)];
                using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                    _inputBuffer.AsMemory(start * rowSize, chunk * rowSize), shape);
                using var outputs = _teacher._session.Run(_runOptions, [_teacher._inputName], [value], _outputNames);
                int keep = Math.Min(chunk, read - start);
                // Row-major rows of the binding's width: the logits, then each intermediate output.
                for (int o = 0, offset = 0; o < _outputNames.Length; offset += Width(o), o++)
                {
                    int width = Width(o);
                    var result = outputs[o].GetTensorDataAsSpan<float>();
                    if (result.Length != chunk * width)
                        throw new InvalidOperationException($"{_teacher.Description} returned {result.Length} values of '{_outputNames[o]}' for {chunk} rows; expected {width} per row.");
                    if (width == rowWidth) // the logits alone: one copy
                        result[..(keep * width)].CopyTo(logits.Slice(start * width, keep * width));
                    else
                        for (int r = 0; r < keep; r++)
                            result.Slice(r * width, width).CopyTo(logits.Slice((start + r) * rowWidth + offset, width));
                }
            }
            if (_teacher._options.OutputKind == TeacherOutputKind.Probabilities)
                for (int r = 0; r < read; r++)
                    ProbabilitiesToLogits(logits.Slice(r * rowWidth, classes), classes);
            return read;
        }

        public override bool Skip(long rows) => SkipRows(_cursor, rows);

        private int Width(int output) => output == 0 ? _teacher._classCount : _teacher._intermediateWidths[output - 1];

        public override void Dispose()
        {
            _cursor.Dispose();
            _runOptions.Dispose();
        }

        private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
    }
}
