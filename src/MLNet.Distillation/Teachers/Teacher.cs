using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A trained model whose logits become the student's soft targets. Create one with <see cref="FromOnnx(string, OnnxTeacherOptions?)"/>,
/// <see cref="FromTransformer"/>, <see cref="FromMLNetModel"/> or <see cref="Ensemble"/>, and hand it to
/// <c>mlContext.Transforms.TeacherScore(...)</c>.
/// </summary>
public abstract class Teacher : IDisposable
{
    /// <summary>A short human-readable description (model file, output name), used in logs and error messages.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// A stable digest of everything that determines this teacher's outputs (model bytes, input/output mapping, output kind),
    /// used to key cached teacher outputs so that another teacher never reuses them.
    /// </summary>
    internal abstract string Fingerprint();

    /// <summary>Checks the teacher against <paramref name="inputSchema"/> and prepares scoring; throws naming the culprit when they do not fit.</summary>
    internal abstract TeacherBinding Bind(DataViewSchema inputSchema);

    /// <summary>Checks the column-level requirements that can be checked on a <see cref="SchemaShape"/> (before any data is seen).</summary>
    internal virtual void CheckInputShape(SchemaShape inputShape) { }

    /// <summary>An ONNX model file as teacher. Run with ONNX Runtime in batches.</summary>
    /// <param name="path">Path of the .onnx file.</param>
    /// <param name="options">Input/output mapping; defaults read the <c>Features</c> column into the model's only input and use its first output as logits.</param>
    public static Teacher FromOnnx(string path, OnnxTeacherOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The ONNX teacher model file '{path}' does not exist.", path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new IOException($"The ONNX teacher model file '{path}' could not be read: {e.Message}", e); }
        return new OnnxTeacher(bytes, Path.GetFileName(path), options ?? new OnnxTeacherOptions());
    }

    /// <summary>An ONNX model held in memory (or read from a stream) as teacher.</summary>
    /// <param name="model">A stream positioned at the start of the ONNX model; read to its end.</param>
    /// <param name="options">Input/output mapping.</param>
    public static Teacher FromOnnx(Stream model, OnnxTeacherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var copy = new MemoryStream();
        model.CopyTo(copy);
        return new OnnxTeacher(copy.ToArray(), "ONNX stream", options ?? new OnnxTeacherOptions());
    }

    /// <summary>
    /// A student trained by this library (typically a large one trained from labels alone) as teacher for the next one:
    /// its ONNX export runs in ONNX Runtime, reading the student's feature column and its <c>Logits</c> output.
    /// </summary>
    /// <param name="student">The trained network.</param>
    public static Teacher FromStudent(StudentTransformer student)
    {
        ArgumentNullException.ThrowIfNull(student);
        return new OnnxTeacher(student.ToOnnx(), student.Architecture, new OnnxTeacherOptions
        {
            InputColumnName = student.FeatureColumnName,
            OnnxOutputName = StudentOnnxExporter.LogitsOutput,
            ClassNames = student.ClassNames?.ToArray(),
        });
    }

    /// <summary>A fitted ML.NET model as teacher (for example a LightGBM or FastTree multiclass pipeline).</summary>
    /// <param name="model">The fitted transformer; it must accept the data given to TeacherScore and write a float-vector score column.</param>
    /// <param name="scoreColumnName">The column holding its class scores; ML.NET's multiclass trainers write probabilities to <c>Score</c>.</param>
    /// <param name="outputKind">Whether that column holds probabilities (ML.NET's multiclass trainers) or logits.</param>
    public static Teacher FromTransformer(ITransformer model, string scoreColumnName = DefaultColumnNames.Score,
        TeacherOutputKind outputKind = TeacherOutputKind.Probabilities)
        => new TransformerTeacher(model, scoreColumnName, outputKind, "ML.NET model");

    /// <summary>Loads an ML.NET model .zip and uses it as teacher.</summary>
    /// <param name="mlContext">The context to load the model with.</param>
    /// <param name="path">Path of the model .zip written by <c>mlContext.Model.Save</c>.</param>
    /// <param name="scoreColumnName">The column holding its class scores.</param>
    /// <param name="outputKind">Whether that column holds probabilities or logits.</param>
    public static Teacher FromMLNetModel(MLContext mlContext, string path, string scoreColumnName = DefaultColumnNames.Score,
        TeacherOutputKind outputKind = TeacherOutputKind.Probabilities)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The ML.NET teacher model file '{path}' does not exist.", path);
        ITransformer model;
        try { model = mlContext.Model.Load(path, out _); }
        catch (Exception e) when (e is not OutOfMemoryException)
        { throw new InvalidDataException($"The ML.NET teacher model file '{path}' could not be loaded: {e.Message}", e); }
        return new TransformerTeacher(model, scoreColumnName, outputKind, Path.GetFileName(path));
    }

    /// <summary>Several teachers combined into one by a weighted mean of their logits or probabilities.</summary>
    /// <param name="members">The teachers and their weights (positive; normalised to sum to one).</param>
    /// <param name="combination">Whether to average logits or probabilities.</param>
    public static Teacher Ensemble(IEnumerable<(Teacher Teacher, float Weight)> members,
        EnsembleCombination combination = EnsembleCombination.MeanLogits)
        => new EnsembleTeacher(members, combination);

    /// <summary>Releases native resources (ONNX Runtime sessions).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; override in teachers that hold any.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing) { }

    /// <summary>SHA-256 of the given parts, as lowercase hex.</summary>
    internal static string Digest(params object[] parts)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            byte[] bytes = part as byte[] ?? System.Text.Encoding.UTF8.GetBytes(System.FormattableString.Invariant($"{part}"));
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Turns probabilities into log-probabilities in place; the floor keeps log(0) finite so KL stays defined.</summary>
    internal static void ProbabilitiesToLogits(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = MathF.Log(MathF.Max(values[i], 1e-12f));
    }
}
