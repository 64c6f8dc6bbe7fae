using Microsoft.ML;

namespace MLNet.Distillation.Runtime;

/// <summary>Loads saved students in applications that only predict (this assembly needs neither TorchSharp nor libtorch).</summary>
public static class StudentModelLoader
{
    /// <summary>
    /// Registers the student's arg-max stage with <paramref name="mlContext"/> so that <c>mlContext.Model.Load</c> can
    /// rebuild it. Idempotent; call once per context before loading.
    /// </summary>
    /// <param name="mlContext">The context that will load the model.</param>
    public static void RegisterStudentComponents(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        mlContext.ComponentCatalog.RegisterAssembly(typeof(PredictedLabelMapping).Assembly);
    }

    /// <summary>Registers the student components and loads a model .zip; a damaged file is an error that names it.</summary>
    /// <param name="mlContext">The context to load with.</param>
    /// <param name="path">The model written by <c>mlContext.Model.Save</c> or <c>mlContext.Distillation.SaveStudent</c>.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        RegisterStudentComponents(mlContext);
        try { return mlContext.Model.Load(path, out inputSchema); }
        catch (Exception e) when (e is not OutOfMemoryException and not FileNotFoundException)
        {
            // A stage saved by another version of this library is reported by ML.NET as "Error during class instantiation".
            if (SavedByAnotherVersion(path) is string other)
                throw new InvalidDataException(other, e);
            // ML.NET reports a truncated or foreign file as a bare FormatException or TargetInvocationException.
            var cause = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            throw new InvalidDataException($"The model file '{path}' could not be loaded (is it a whole ML.NET model .zip?): {cause.Message}", e);
        }
    }

    /// <summary>The contract names of the stages this version saves and loads (each ends in its version, <c>.v1</c>).</summary>
    internal static IReadOnlyList<string> KnownContracts { get; } =
        [PredictedLabelMapping.ContractName, BinaryScoreMapping.ContractName, RegressionScoreMapping.ContractName,
            .. SparseFeaturePairs.Capacities.Select(SparseFeaturePairs.ContractName)];

    private static readonly System.Text.RegularExpressions.Regex Contract = new(@"MLNet\.Distillation\.[A-Za-z0-9]+\.v[0-9]+");
    private static readonly System.Text.RegularExpressions.Regex RuntimeVersion = new(@"MLNet\.Distillation\.Runtime, Version=([0-9.]+)");

    /// <summary>
    /// When the model file holds a stage under a contract this version does not know (ML.NET keeps each stage's contract name
    /// and the name and version of the assembly that saved it as UTF-16 strings in its <c>Model.key</c> entry), a message
    /// naming the file, the stage, the contract versions and the library versions; otherwise (or when the file cannot be
    /// read as a zip) null.
    /// </summary>
    private static string? SavedByAnotherVersion(string path)
    {
        var contracts = new SortedSet<string>(StringComparer.Ordinal);
        var versions = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            using var archive = System.IO.Compression.ZipFile.OpenRead(path);
            foreach (var entry in archive.Entries.Where(e => e.Name == "Model.key" && e.Length < (16 << 20)))
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                string text = System.Text.Encoding.Unicode.GetString(copy.GetBuffer(), 0, (int)copy.Length & ~1);
                foreach (System.Text.RegularExpressions.Match match in Contract.Matches(text))
                    contracts.Add(match.Value);
                foreach (System.Text.RegularExpressions.Match match in RuntimeVersion.Matches(text))
                    versions.Add(match.Groups[1].Value);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
        var unknown = contracts.Where(c => !KnownContracts.Contains(c)).ToArray();
        if (unknown.Length == 0)
            return null;
        string Stem(string contract) => contract[..contract.LastIndexOf(".v", StringComparison.Ordinal)];
        var read = unknown.SelectMany(u => KnownContracts.Where(k => Stem(k) == Stem(u))).Distinct().ToArray();
        string thisVersion = typeof(StudentModelLoader).Assembly.GetName().Version?.ToString() ?? "unknown";
        string savedBy = versions.Count == 0 ? "another version of MLNet.Distillation"
            : $"MLNet.Distillation.Runtime {string.Join(" and ", versions)}";
        return $"The model file '{path}' was saved by {savedBy}, whose stage{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))} " +
            $"this version (MLNet.Distillation.Runtime {thisVersion}) cannot load" +
            (read.Length > 0 ? $": it reads {string.Join(", ", read.Select(r => $"'{r}'"))}. " : ". ") +
            "Load the model with the version that saved it, or train and save the student again with this one.";
    }
}
