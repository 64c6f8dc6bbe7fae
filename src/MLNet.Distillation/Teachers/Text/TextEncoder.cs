using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace MLNet.Distillation;

/// <summary>
/// A BERT-family ONNX encoder and its WordPiece vocabulary: turns texts into one vector each (a pooled sentence embedding,
/// or the logits of a model that already ends in a classifier). Tokenised with Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>,
/// run by ONNX Runtime in batches padded to their longest text. Use it on its own (<see cref="Embed"/>) or as a teacher
/// over a text column (<see cref="Teacher.FromTextEncoder(TextEncoder, string, string[])"/>, or with a head fitted on
/// labelled rows, <see cref="Teacher.FromTextEncoder(Microsoft.ML.MLContext, Microsoft.ML.IDataView, TextEncoder, TextEncoderTeacherOptions)"/>).
/// </summary>
/// <remarks>
/// Teachers built on an encoder share its ONNX Runtime session: the session is released once the encoder and every
/// teacher built on it are disposed.
/// </remarks>
public sealed class TextEncoder : IDisposable
{
    private const string DefaultOutputName = "last_hidden_state";

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly TextEncoderOptions _options;
    private readonly string _source;
    private readonly string _outputName;
    private readonly string[] _inputNames; // what the graph takes of ids, mask, segments, in that order (ids always first)
    private readonly bool[] _int64Inputs;
    private readonly bool _perToken; // output [N, T, H] pooled here; otherwise [N, K], one vector per text already
    private readonly bool _normalize;
    private readonly int _embeddingSize;
    private int _holders = 1; // the user's handle plus each teacher built on it
    private bool _disposed;

    /// <param name="model">The ONNX model bytes.</param>
    /// <param name="vocabulary">The vocabulary bytes.</param>
    /// <param name="modelName">The model's file name (or a description), for messages.</param>
    /// <param name="vocabularyName">The vocabulary's file name (or a description), for messages.</param>
    /// <param name="options">Tokenisation, pooling, names.</param>
    private TextEncoder(byte[] model, byte[] vocabulary, string modelName, string vocabularyName, TextEncoderOptions options)
    {
        string source = $"{modelName} + {vocabularyName}";
        Check(options);
        Model = model;
        Vocabulary = vocabulary;
        _source = $"{Path.GetFileName(modelName)} + {Path.GetFileName(vocabularyName)}";
        _options = Copy(options);
        try
        {
            using var vocabStream = new MemoryStream(vocabulary, writable: false);
            _tokenizer = BertTokenizer.Create(vocabStream, new BertOptions
            {
                LowerCaseBeforeTokenization = options.LowerCase,
                // Hugging Face's BERT tokenizer strips accents whenever it lower-cases (strip_accents=None).
                RemoveNonSpacingMarks = options.LowerCase,
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException or IOException)
        { throw new InvalidDataException($"The vocabulary '{vocabularyName}' could not be read as a WordPiece vocabulary (one token a line, with [CLS], [SEP], [PAD], [UNK] and [MASK]): {e.Message}", e); }

        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpNumThreads is int threads)
            sessionOptions.IntraOpNumThreads = threads;
        try { _session = new InferenceSession(model, sessionOptions); }
        catch (OnnxRuntimeException e)
        { throw new InvalidDataException($"The text encoder model '{modelName}' could not be loaded by ONNX Runtime: {e.Message}", e); }

        try
        {
            (_inputNames, _int64Inputs) = TokenInputs(_session.InputMetadata, options, source);

            var outputs = _session.OutputMetadata;
            if (options.OnnxOutputName is { } requested && !outputs.ContainsKey(requested))
                throw new ArgumentException($"Text encoder '{source}' has no output named '{requested}' ({nameof(TextEncoderOptions)}.{nameof(TextEncoderOptions.OnnxOutputName)}); " +
                    $"its outputs are: {string.Join(", ", outputs.Keys)}.");
            _outputName = options.OnnxOutputName ?? (outputs.ContainsKey(DefaultOutputName) ? DefaultOutputName : outputs.Keys.First());
            if (outputs[_outputName].ElementType != typeof(float))
                throw new ArgumentException($"Text encoder '{source}': output '{_outputName}' has element type {outputs[_outputName].ElementType.Name}; expected float.");

            (_perToken, _embeddingSize) = OutputShape(outputs[_outputName].Dimensions, source);
            _normalize = options.Normalize ?? _perToken;
            Fingerprint = Teacher.Digest("text-encoder", Teacher.Digest(model), Teacher.Digest(vocabulary), _options.MaximumTokens, _options.Pooling,
                _normalize, _options.LowerCase, _outputName, string.Join(",", _inputNames));
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The encoder's token inputs in the order ids, attention mask, segment ids (those it has), and whether each is Int64
    /// (else Int32); an input that is none of them, or another element type, is refused.
    /// </summary>
    private static (string[] Names, bool[] Int64) TokenInputs(IReadOnlyDictionary<string, NodeMetadata> inputs, TextEncoderOptions options,
        string source)
    {
        if (!inputs.ContainsKey(options.InputIdsName))
            throw new ArgumentException($"Text encoder '{source}' has no input named '{options.InputIdsName}' ({nameof(TextEncoderOptions)}.{nameof(TextEncoderOptions.InputIdsName)}); " +
                $"its inputs are: {string.Join(", ", inputs.Keys)}.");
        string[] known = [options.InputIdsName, options.AttentionMaskName, options.TokenTypeIdsName];
        if (inputs.Keys.FirstOrDefault(name => !known.Contains(name)) is { } unknown)
            throw new ArgumentException($"Text encoder '{source}' has an input '{unknown}' that is none of the token ids ('{options.InputIdsName}'), attention mask " +
                $"('{options.AttentionMaskName}') or segment ids ('{options.TokenTypeIdsName}'); name it in {nameof(TextEncoderOptions)} if it is one of them.");
        var names = known.Where(inputs.ContainsKey).ToArray();
        var int64 = names.Select(name => inputs[name].ElementType == typeof(long)
            ? true : inputs[name].ElementType == typeof(int) ? false
            : throw new ArgumentException($"Text encoder '{source}': input '{name}' has element type {inputs[name].ElementType.Name}; token inputs must be Int64 or Int32.")).ToArray();
        return (names, int64);
    }

    /// <summary>Loads an ONNX encoder and its WordPiece vocabulary (vocab.txt: one token a line) from files.</summary>
    /// <param name="modelPath">Path of the .onnx file: a BERT-family encoder taking token ids (and optionally an
    /// attention mask and segment ids).</param>
    /// <param name="vocabPath">Path of the vocabulary the model was trained with.</param>
    /// <param name="options">Tokenisation, pooling and input/output names; null for the defaults.</param>
    public static TextEncoder FromOnnx(string modelPath, string vocabPath, TextEncoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(vocabPath);
        byte[] model = ReadFile(modelPath, "text encoder model");
        byte[] vocabulary = ReadFile(vocabPath, "vocabulary");
        return new TextEncoder(model, vocabulary, modelPath, vocabPath, options ?? new TextEncoderOptions());
    }

    /// <summary>Loads an ONNX encoder and its WordPiece vocabulary from streams (for example, resources of an assembly).</summary>
    /// <param name="model">A stream positioned at the start of the ONNX model; read to its end.</param>
    /// <param name="vocabulary">A stream positioned at the start of the vocabulary (one token a line); read to its end.</param>
    /// <param name="options">Tokenisation, pooling and input/output names; null for the defaults.</param>
    public static TextEncoder FromOnnx(Stream model, Stream vocabulary, TextEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new TextEncoder(ReadAll(model), ReadAll(vocabulary), "ONNX stream", "vocabulary stream", options ?? new TextEncoderOptions());
    }

    /// <summary>Values per text that <see cref="Embed"/> returns: the hidden size of a per-token output, or the width of a per-text output.</summary>
    public int EmbeddingSize => _embeddingSize;

    /// <summary>
    /// Whether the model output is per token ([N, T, H], pooled here into one vector per text) rather than already one
    /// vector per text ([N, K], such as a fine-tuned classifier's logits).
    /// </summary>
    public bool IsPerTokenOutput => _perToken;

    /// <summary>Whether each text's vector is L2-normalised (<see cref="TextEncoderOptions.Normalize"/>, resolved).</summary>
    public bool Normalizes => _normalize;

    /// <summary>The model output read.</summary>
    public string OnnxOutputName => _outputName;

    /// <summary>The model and vocabulary, and the output read, for messages.</summary>
    public string Description => $"text encoder '{_source}' ({_outputName}{(_perToken ? $", {_options.Pooling} pooling" : "")}{(_normalize ? ", L2-normalised" : "")})";

    /// <summary>A copy of the options the encoder was built with.</summary>
    public TextEncoderOptions Options => Copy(_options);

    /// <summary>The ONNX model bytes.</summary>
    internal byte[] Model { get; }

    /// <summary>The vocabulary bytes.</summary>
    internal byte[] Vocabulary { get; }

    /// <summary>A digest of everything that determines the vectors: model and vocabulary bytes, tokenisation, pooling, output.</summary>
    internal string Fingerprint { get; }

    /// <summary>
    /// The token ids fed to the model for <paramref name="text"/>: <c>[CLS]</c>, the WordPiece ids, <c>[SEP]</c>, at most
    /// <see cref="TextEncoderOptions.MaximumTokens"/> in all (a longer text keeps its first tokens).
    /// </summary>
    /// <param name="text">The text; null reads as empty.</param>
    public int[] Tokenize(string? text) => Tokenize((text ?? "").AsSpan());

    internal int[] Tokenize(ReadOnlySpan<char> text)
        => [.. _tokenizer.EncodeToIds(text, _options.MaximumTokens, addSpecialTokens: true, out _, out _)];

    /// <summary>One vector per text (<see cref="EmbeddingSize"/> values each), in the order given.</summary>
    /// <param name="texts">The texts; a null reads as empty.</param>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var tokens = new int[texts.Count][];
        for (int i = 0; i < tokens.Length; i++)
            tokens[i] = Tokenize(texts[i]);
        var flat = new float[tokens.Length * _embeddingSize];
        EmbedTokens(tokens, flat);
        return Enumerable.Range(0, tokens.Length).Select(i => flat.AsSpan(i * _embeddingSize, _embeddingSize).ToArray()).ToArray();
    }

    /// <summary>
    /// Writes one vector per token sequence into <paramref name="destination"/> (row-major). Sequences are grouped by length
    /// before batching so that each batch pads little; the results go back in the given order.
    /// </summary>
    internal void EmbedTokens(IReadOnlyList<int[]> tokens, Span<float> destination)
    {
        if (Volatile.Read(ref _holders) <= 0)
            throw new ObjectDisposedException(Description);
        int[] order = Enumerable.Range(0, tokens.Count).OrderBy(i => tokens[i].Length).ToArray(); // stable: ties keep their order
        int batch = _options.BatchSize;
        using var runOptions = new RunOptions();
        for (int start = 0; start < order.Length; start += batch)
        {
            var members = order.AsSpan(start, Math.Min(batch, order.Length - start));
            RunBatch(runOptions, tokens, members, destination);
        }
    }

    private void RunBatch(RunOptions runOptions, IReadOnlyList<int[]> tokens, ReadOnlySpan<int> members, Span<float> destination)
    {
        int rows = members.Length, length = 0;
        foreach (int m in members)
            length = Math.Max(length, tokens[m].Length);
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        for (int r = 0; r < rows; r++)
        {
            var sequence = tokens[members[r]];
            for (int t = 0; t < sequence.Length; t++)
            {
                ids[r * length + t] = sequence[t];
                mask[r * length + t] = 1;
            }
            // Padding positions keep id 0 ([PAD] in BERT vocabularies) and mask 0.
            if (_tokenizer.PaddingTokenId != 0)
                ids.AsSpan(r * length + sequence.Length, length - sequence.Length).Fill(_tokenizer.PaddingTokenId);
        }
        long[] shape = [rows, length];
        var values = new OrtValue[_inputNames.Length];
        try
        {
            for (int i = 0; i < _inputNames.Length; i++)
            {
                long[] source = i == 0 ? ids : _inputNames[i] == _options.AttentionMaskName ? mask : new long[rows * length]; // segment ids: all 0
                values[i] = _int64Inputs[i] ? OrtValue.CreateTensorValueFromMemory(source, shape)
                    : OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(source, v => (int)v), shape);
            }
            using var outputs = _session.Run(runOptions, _inputNames, values, [_outputName]);
            var output = outputs[0].GetTensorDataAsSpan<float>();
            int width = _embeddingSize;
            long expected = _perToken ? (long)rows * length * width : (long)rows * width;
            if (output.Length != expected)
                throw new InvalidOperationException($"{Description} returned {output.Length} values for {rows} texts of {length} tokens; expected {expected}.");
            for (int r = 0; r < rows; r++)
            {
                var target = destination.Slice(members[r] * width, width);
                if (!_perToken)
                    output.Slice(r * width, width).CopyTo(target);
                else if (_options.Pooling == TextPooling.Cls)
                    output.Slice(r * length * width, width).CopyTo(target);
                else
                    MeanOverTokens(output.Slice(r * length * width, length * width), tokens[members[r]].Length, width, target);
                if (_normalize)
                    NormalizeL2(target);
            }
        }
        finally
        {
            foreach (var value in values)
                value?.Dispose();
        }
    }

    /// <summary>The mean of the first <paramref name="count"/> token vectors: the attention mask is 1 exactly there.</summary>
    private static void MeanOverTokens(ReadOnlySpan<float> tokens, int count, int width, Span<float> target)
    {
        var sum = new double[width];
        for (int t = 0; t < count; t++)
        {
            var vector = tokens.Slice(t * width, width);
            for (int h = 0; h < width; h++)
                sum[h] += vector[h];
        }
        for (int h = 0; h < width; h++)
            target[h] = (float)(sum[h] / Math.Max(count, 1));
    }

    /// <summary>v / max(‖v‖, 1e-12), as PyTorch's F.normalize (which sentence-transformers uses).</summary>
    private static void NormalizeL2(Span<float> vector)
    {
        double squares = 0;
        foreach (var v in vector)
            squares += (double)v * v;
        float scale = (float)(1 / Math.Max(Math.Sqrt(squares), 1e-12));
        for (int i = 0; i < vector.Length; i++)
            vector[i] *= scale;
    }

    /// <summary>The output's shape for one short text: for a graph that does not declare it.</summary>
    /// <summary>
    /// Whether the output is per token and how wide it is. A declared shape tells; an output added to a graph may declare
    /// none, and one run on a short text answers both.
    /// </summary>
    private (bool PerToken, int Width) OutputShape(int[] dims, string source)
    {
        if (dims.Length is 2 or 3 && dims[^1] > 0)
            return (dims.Length == 3, dims[^1]);
        var shape = RunShape();
        if (shape.Length is not (2 or 3))
            throw new ArgumentException($"Text encoder '{source}': output '{_outputName}' has shape [{string.Join(", ", shape)}]; expected [N, T, H] (per token) or [N, K] (per text).");
        return (shape.Length == 3, checked((int)shape[^1]));
    }

    private long[] RunShape()
    {
        var probe = Tokenize("a");
        long[] shape = [1, probe.Length];
        var values = _inputNames.Select((name, i) =>
        {
            long[] source = i == 0 ? probe.Select(v => (long)v).ToArray()
                : name == _options.AttentionMaskName ? probe.Select(_ => 1L).ToArray() : new long[probe.Length];
            return _int64Inputs[i] ? OrtValue.CreateTensorValueFromMemory(source, shape)
                : OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(source, v => (int)v), shape);
        }).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, _inputNames, values, [_outputName]);
            return outputs[0].GetTensorTypeAndShape().Shape;
        }
        finally
        {
            foreach (var value in values)
                value.Dispose();
        }
    }

    /// <summary>Another holder of the session (a teacher built on this encoder); released with <see cref="Release"/>.</summary>
    internal void Acquire()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Increment(ref _holders);
    }

    /// <summary>Drops one hold on the session; the last one releases it.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _holders) == 0)
            _session.Dispose();
    }

    /// <summary>Releases this handle; the ONNX Runtime session goes once every teacher built on the encoder is disposed too.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Release();
    }

    private static void Check(TextEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaximumTokens is < 2 or > Defaults.TextMaximumTokensLimit)
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(TextEncoderOptions)}.{nameof(TextEncoderOptions.MaximumTokens)} is {options.MaximumTokens}; " +
                $"it must be between 2 ([CLS] and [SEP]) and {Defaults.TextMaximumTokensLimit} (BERT's position embeddings).");
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(TextEncoderOptions)}.{nameof(TextEncoderOptions.BatchSize)} is {options.BatchSize}; it must be at least 1.");
        if (!Enum.IsDefined(options.Pooling))
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(TextEncoderOptions)}.{nameof(TextEncoderOptions.Pooling)} is {options.Pooling}; it must be Mean or Cls.");
        foreach (var (name, value) in new[] { (nameof(TextEncoderOptions.InputIdsName), options.InputIdsName),
            (nameof(TextEncoderOptions.AttentionMaskName), options.AttentionMaskName),
            (nameof(TextEncoderOptions.TokenTypeIdsName), options.TokenTypeIdsName) })
            if (string.IsNullOrEmpty(value))
                throw new ArgumentException($"{nameof(TextEncoderOptions)}.{name} is empty; name the model input, or keep the default.",
                    nameof(options));
    }

    private static TextEncoderOptions Copy(TextEncoderOptions o) => new()
    {
        MaximumTokens = o.MaximumTokens, Pooling = o.Pooling, Normalize = o.Normalize, LowerCase = o.LowerCase, OnnxOutputName = o.OnnxOutputName,
        InputIdsName = o.InputIdsName, AttentionMaskName = o.AttentionMaskName, TokenTypeIdsName = o.TokenTypeIdsName,
        BatchSize = o.BatchSize, IntraOpNumThreads = o.IntraOpNumThreads,
    };

    private static byte[] ReadFile(string path, string what)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The {what} file '{path}' does not exist.", path);
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new IOException($"The {what} file '{path}' could not be read: {e.Message}", e); }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
