using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A teacher that reads a text column: a <see cref="TextEncoder"/> turns each block of texts into vectors (one ONNX
/// Runtime call per encoder batch), and either a linear head fitted on labelled rows maps them to logits or a
/// prediction, or the encoder's own output already is the logits (a fine-tuned sequence classifier).
/// </summary>
internal sealed class TextEncoderTeacher : Teacher
{
    private readonly TextEncoder _encoder;
    private readonly string _textColumnName;
    private readonly TextHead? _head;
    private readonly string[]? _classNames;
    private int _released;

    /// <param name="encoder">The encoder; the teacher holds its session until disposed.</param>
    /// <param name="textColumnName">The text column read.</param>
    /// <param name="head">The fitted head, or null when the encoder's output is the logits.</param>
    /// <param name="classNames">Class names in output order, or null.</param>
    internal TextEncoderTeacher(TextEncoder encoder, string textColumnName, TextHead? head, string[]? classNames)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentException.ThrowIfNullOrEmpty(textColumnName);
        int outputs = head?.Outputs ?? encoder.EmbeddingSize;
        if (classNames is not null && classNames.Length != outputs)
            throw new ArgumentException(
                $"{classNames.Length} class names were given for {encoder.Description}, which has {outputs} outputs per text.", nameof(classNames));
        encoder.Acquire();
        _encoder = encoder;
        _textColumnName = textColumnName;
        _head = head;
        _classNames = classNames;
    }

    /// <summary>
    /// Embeds the labelled rows of <paramref name="data"/> and fits a linear head on them (see <see cref="TextHead"/>);
    /// the task follows the label's type.
    /// </summary>
    internal static TextEncoderTeacher Fit(MLContext mlContext, IDataView data, TextEncoder encoder, TextEncoderTeacherOptions options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.TextColumnName);
        ArgumentException.ThrowIfNullOrEmpty(options.LabelColumnName);
        if (!(options.L2Regularization >= 0) || float.IsInfinity(options.L2Regularization))
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(TextEncoderTeacherOptions)}.{nameof(TextEncoderTeacherOptions.L2Regularization)} is {options.L2Regularization}; it must be zero or positive and finite.");
        if (!encoder.IsPerTokenOutput)
            throw new ArgumentException($"{encoder.Description} already gives one vector per text (output '{encoder.OnnxOutputName}'); " +
                "a head is fitted on a per-token output. For a model that ends in logits use Teacher.FromTextEncoder(encoder), or choose its hidden states with TextEncoderOptions.OnnxOutputName.", nameof(encoder));

        var text = TextColumn(data.Schema, options.TextColumnName);
        var label = data.Schema.GetColumnOrNull(options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(data), $"Label column '{options.LabelColumnName}' was not found in the data (columns: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        var task = TextHead.TaskFor(label);
        int classCount = task.TextHead.ClassCount(label);
        string[]? classNames = task.TextHead.ClassNames(label);

        var tokens = new List<int[]>();
        var labels = new List<float>();
        using (var cursor = data.GetRowCursor([text, label]))
        {
            var getText = cursor.GetGetter<ReadOnlyMemory<char>>(text);
            var readLabel = task.CreateLabelReader(cursor, label);
            ReadOnlyMemory<char> value = default;
            while (cursor.MoveNext())
            {
                float y = readLabel();
                if (float.IsNaN(y)) // a row without label
                    continue;
                getText(ref value);
                tokens.Add(encoder.Tokenize(value.Span));
                labels.Add(y);
            }
        }
        if (labels.Count == 0)
            throw new ArgumentException($"The data has no labelled rows (label column '{label.Name}') to fit {encoder.Description}'s head on.",
                nameof(data));
        task.TextHead.CheckLabels(label, labels);

        int size = encoder.EmbeddingSize;
        var embeddings = new float[checked(labels.Count * size)];
        encoder.EmbedTokens(tokens, embeddings);
        var head = task.TextHead.Fit(mlContext, embeddings, size, [.. labels], classCount, classNames, options.L2Regularization);
        return new TextEncoderTeacher(encoder, options.TextColumnName, head, classNames);
    }

    /// <summary>Logits (or a prediction) per row.</summary>
    private int ClassCount => _head?.Outputs ?? _encoder.EmbeddingSize;

    /// <inheritdoc />
    public override string Description
        => $"{_encoder.Description} over column '{_textColumnName}'" + (_head is null ? "" : $" with a {_head.Name} head");


    internal override string Fingerprint() => Digest("text-teacher", _encoder.Fingerprint, _textColumnName, _head?.Fingerprint() ?? "encoder logits",
        string.Join("\n", _classNames ?? []));

    internal override long SerializedBytes(MLContext mlContext, DataViewSchema inputSchema)
        => _encoder.Model.Length + _encoder.Vocabulary.Length + sizeof(float) * (long)((_head?.Weights.Length ?? 0) + (_head?.Bias.Length ?? 0));

    /// <summary>The encoder's initializers plus the head's weights and biases; null when the model bytes cannot be read.</summary>
    internal override long? ParameterCount() => OnnxParameters.Count(_encoder.Model) + (_head is null ? 0 : _head.Weights.Length + _head.Bias.Length);

    internal override void CheckInputShape(SchemaShape inputShape)
    {
        if (ColumnView.Find(inputShape, _textColumnName) is not { } column)
            throw new ArgumentOutOfRangeException(nameof(inputShape), $"Teacher text column '{_textColumnName}' was not found in the data.");
        if (!column.IsScalar || column.IsKey || column.RawItemType != typeof(ReadOnlyMemory<char>))
            throw new ArgumentOutOfRangeException(nameof(inputShape), $"Teacher text column '{_textColumnName}' must be text (String), but is {column.TypeDescription}.");
    }

    internal override TeacherBinding Bind(DataViewSchema inputSchema) => new Binding(this, TextColumn(inputSchema, _textColumnName));

    /// <summary>The named column of <paramref name="schema"/>, checked to be a scalar text column; throws naming it otherwise.</summary>
    internal static DataViewSchema.Column TextColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Teacher text column '{name}' was not found in the data (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Teacher text column '{name}' must be text (String), but is {column.Type}.");
        return column;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _released, 1) == 0)
            _encoder.Release();
    }

    private sealed class Binding(TextEncoderTeacher teacher, DataViewSchema.Column column) : TeacherBinding
    {
        public override int ClassCount => teacher.ClassCount;

        public override ReadOnlyMemory<char>[]? ClassNames => teacher._classNames?.Select(n => n.AsMemory()).ToArray();

        public override IReadOnlyList<DataViewSchema.Column>? InputColumns => [column];

        public override TeacherBlockReader CreateReader(IDataView input, IReadOnlyList<DataViewSchema.Column> fingerprintColumns)
        {
            var (cursor, fingerprint) = OpenCursor(input, [column], fingerprintColumns);
            return new Reader(teacher, cursor, cursor.Schema[column.Index], fingerprint);
        }
    }

    private sealed class Reader : TeacherBlockReader
    {
        private readonly TextEncoderTeacher _teacher;
        private readonly DataViewRowCursor _cursor;
        private readonly ValueGetter<ReadOnlyMemory<char>> _getter;
        private readonly ValueGetter<DataViewRowId> _idGetter;
        private readonly RowFingerprint _fingerprint;
        private readonly List<int[]> _tokens = [];
        private float[] _embeddings = [];
        private ReadOnlyMemory<char> _text;

        public Reader(TextEncoderTeacher teacher, DataViewRowCursor cursor, DataViewSchema.Column column, RowFingerprint fingerprint)
        {
            _teacher = teacher;
            _cursor = cursor;
            _getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            _idGetter = cursor.GetIdGetter();
            _fingerprint = fingerprint;
        }

        public override int Read(int rows, Span<float> logits, Span<DataViewRowId> ids, Span<ulong> fingerprints)
        {
            var encoder = _teacher._encoder;
            _tokens.Clear();
            int read = 0;
            while (read < rows && _cursor.MoveNext())
            {
                // Tokenised at once: a cursor may reuse the text's buffer for the next row.
                _getter(ref _text);
                _tokens.Add(encoder.Tokenize(_text.Span));
                _idGetter(ref ids[read]);
                fingerprints[read] = _fingerprint.Current();
                read++;
            }
            if (read == 0)
                return 0;
            var head = _teacher._head;
            if (head is null)
            {
                encoder.EmbedTokens(_tokens, logits[..(read * encoder.EmbeddingSize)]);
                return read;
            }
            int size = encoder.EmbeddingSize;
            if (_embeddings.Length < read * size)
                _embeddings = new float[read * size];
            encoder.EmbedTokens(_tokens, _embeddings.AsSpan(0, read * size));
            for (int r = 0; r < read; r++)
                head.Apply(_embeddings.AsSpan(r * size, size), logits.Slice(r * head.Outputs, head.Outputs));
            return read;
        }

        public override bool Skip(long rows) => SkipRows(_cursor, rows);

        public override void Dispose() => _cursor.Dispose();
    }
}
