using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// A trained model whose logits become the student's soft targets. Create one with <see cref="FromOnnx(string, OnnxTeacherOptions?)"/>,
/// <see cref="FromTransformer"/>, <see cref="FromMLNetModel"/>,
/// <see cref="FromTextEncoder(TextEncoder, string, string[])"/> or <see cref="Ensemble"/>, and hand it to
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

    /// <summary>
    /// Checks the teacher against <paramref name="inputSchema"/> and prepares scoring; throws naming the culprit when
    /// they do not fit.
    /// </summary>
    internal abstract TeacherBinding Bind(DataViewSchema inputSchema);

    /// <summary>
    /// This teacher emitting, besides its logits, the named intermediate tensors (in that order): an ONNX teacher's node
    /// outputs, an ML.NET teacher's output columns. Teachers that have none to offer refuse, naming themselves.
    /// </summary>
    /// <param name="names">The teacher's own names of the tensors (node outputs, columns).</param>
    internal virtual Teacher WithIntermediateOutputs(IReadOnlyList<string> names)
        => throw new NotSupportedException($"Teacher {Description} cannot emit intermediate outputs (asked for: {string.Join(", ", names)}); " +
            "ONNX teachers (any node output) and ML.NET teachers (any output column) can. Score the ensemble's members separately for their intermediate outputs.");

    /// <summary>Checks the column-level requirements that can be checked on a <see cref="SchemaShape"/> (before any data is seen).</summary>
    internal virtual void CheckInputShape(SchemaShape inputShape) { }

    /// <summary>
    /// Size of the teacher as it is stored (an ONNX file's bytes, an ML.NET model as <c>Model.Save</c> writes it), for
    /// evaluation reports.
    /// </summary>
    /// <param name="mlContext">The context to serialise ML.NET models with.</param>
    /// <param name="inputSchema">The schema of the data the teacher reads.</param>
    internal abstract long SerializedBytes(MLContext mlContext, DataViewSchema inputSchema);

    /// <summary>Trainable parameters when the teacher's format tells (ONNX initializers, a student); null otherwise.</summary>
    internal abstract long? ParameterCount();

    /// <summary>An ONNX model file as teacher. Run with ONNX Runtime in batches.</summary>
    /// <param name="path">Path of the .onnx file.</param>
    /// <param name="options">Input/output mapping; defaults read the <c>Features</c> column into the model's only input
    /// and use its first output as logits.</param>
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
    /// its ONNX export runs in ONNX Runtime, reading the student's feature column and its <c>Logits</c> output. A student
    /// over sparse features (text) scores through its own ML.NET chain instead, and offers no intermediate outputs.
    /// </summary>
    /// <param name="student">The trained network.</param>
    public static Teacher FromStudent(StudentTransformer student)
    {
        ArgumentNullException.ThrowIfNull(student);
        // A student over sparse rows reads (slot, value) pairs in ONNX, which no data column holds: it teaches through its own
        // ML.NET chain (which builds the pairs), reading its logit (binary), probabilities (multiclass) or prediction.
        if (student.Model.SparsePairs is not null)
            return new TransformerTeacher(student, TrainingTask.Of(student.Task).StudentTeacherColumn, null, student.Architecture);
        return new OnnxTeacher(student.ToOnnx(), student.Architecture, new OnnxTeacherOptions
        {
            InputColumnName = student.FeatureColumnName,
            OnnxOutputName = StudentOnnxExporter.LogitsOutput,
            ClassNames = student.ClassNames?.ToArray(),
        });
    }

    /// <summary>
    /// A fitted ML.NET model as teacher: a multiclass model (LightGbm, FastTree, SDCA, ...), a binary model, or a regression
    /// model. With no column given, the teacher reads what ML.NET's trainers write:
    /// <list type="bullet">
    /// <item>a <c>Score</c> vector: class probabilities (multiclass);</item>
    /// <item>a Single <c>Probability</c> column: the calibrated probability of the positive class, read as its logit
    /// log(p / (1 − p)) (binary models with a calibrator, ML.NET's default);</item>
    /// <item>otherwise a Single <c>Score</c>: a logit (an uncalibrated binary model's raw score) or a prediction (regression).</item>
    /// </list>
    /// Why the calibrated probability first: a binary model's raw score is often far from a logit (FastTree's reaches ±50 on
    /// the UCI breast-cancer data), and a student distils the teacher's confidence as it is: learning FastTree's raw score gave
    /// the student a test log-loss of 1.04, its calibrated probability 0.39 (same AUC). To distil the raw score anyway, pass
    /// <c>scoreColumnName: "Score"</c>.
    /// </summary>
    /// <param name="model">The fitted transformer; it must accept the data given to TeacherScore.</param>
    /// <param name="scoreColumnName">The column to learn from (a Single vector, one value per class, or a Single); null chooses as above.</param>
    /// <param name="outputKind">What that column holds; null: a vector or a <c>Probability</c> column holds
    /// probabilities, any other single value a logit or prediction.</param>
    public static Teacher FromTransformer(ITransformer model, string? scoreColumnName = null, TeacherOutputKind? outputKind = null)
        => new TransformerTeacher(model, scoreColumnName, outputKind, "ML.NET model");

    /// <summary>Loads an ML.NET model .zip and uses it as teacher.</summary>
    /// <param name="mlContext">The context to load the model with.</param>
    /// <param name="path">Path of the model .zip written by <c>mlContext.Model.Save</c>.</param>
    /// <param name="scoreColumnName">The column to learn from (see <see cref="FromTransformer"/>).</param>
    /// <param name="outputKind">What that column holds; null reads it as ML.NET's trainers write <c>Score</c> (see
    /// <see cref="FromTransformer"/>).</param>
    public static Teacher FromMLNetModel(MLContext mlContext, string path, string? scoreColumnName = null, TeacherOutputKind? outputKind = null)
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

    /// <summary>
    /// A text encoder whose output already is the logits, such as an exported fine-tuned sequence classifier (output
    /// [N, K]: one logit per class, or one for a binary classifier), as teacher over a text column.
    /// </summary>
    /// <param name="encoder">The encoder; its output must be one vector per text and not normalised. The teacher holds the
    /// encoder's session until the teacher is disposed.</param>
    /// <param name="textColumnName">The text column the teacher reads.</param>
    /// <param name="classNames">Class names in output order (for the SlotNames annotation and the class-order check
    /// against the label), or null.</param>
    public static Teacher FromTextEncoder(TextEncoder encoder, string textColumnName = DefaultColumnNames.Text, string[]? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (encoder.IsPerTokenOutput)
            throw new ArgumentException($"{encoder.Description} reads a per-token output, which gives embeddings, not logits. Fit a head on labelled rows with " +
                $"Teacher.FromTextEncoder(mlContext, data, encoder, ...), or read the model's logits output with {nameof(TextEncoderOptions)}.{nameof(TextEncoderOptions.OnnxOutputName)}.", nameof(encoder));
        if (encoder.Normalizes)
            throw new ArgumentException($"{encoder.Description} L2-normalises its output, which would change the logits; set {nameof(TextEncoderOptions)}.{nameof(TextEncoderOptions.Normalize)} to null or false.", nameof(encoder));
        return new TextEncoderTeacher(encoder, textColumnName, null, classNames);
    }

    /// <summary>
    /// A text teacher fitted on labelled rows: the encoder embeds the text column, and a linear head fitted on those
    /// embeddings gives the logits. The task follows the label's type: Boolean, binary (logistic regression; the teacher
    /// gives the logit); a key, multiclass (softmax regression; one logit per class in the key's order); Single,
    /// regression (least squares; the teacher gives the prediction). Fitted deterministically: ML.NET's L-BFGS trainers on
    /// one thread, a closed-form solution for regression.
    /// </summary>
    /// <param name="mlContext">The context the head's trainers run in.</param>
    /// <param name="trainingData">The labelled rows; rows without a label are skipped.</param>
    /// <param name="encoder">An encoder with a per-token output (pooled into embeddings). The teacher holds its session
    /// until the teacher is disposed.</param>
    /// <param name="textColumnName">The text column, read when fitting and when scoring.</param>
    /// <param name="labelColumnName">The label column the head is fitted to.</param>
    /// <param name="l2Regularization">L2 weight λ: the head minimises the loss summed over rows plus λ/2 · ‖w‖².</param>
    public static Teacher FromTextEncoder(MLContext mlContext, IDataView trainingData, TextEncoder encoder,
        string textColumnName = DefaultColumnNames.Text, string labelColumnName = DefaultColumnNames.Label,
        float l2Regularization = Defaults.TextHeadL2Regularization)
        => TextEncoderTeacher.Fit(mlContext, trainingData, encoder, new TextEncoderTeacherOptions
        {
            TextColumnName = textColumnName, LabelColumnName = labelColumnName, L2Regularization = l2Regularization,
        });

    /// <summary>A text teacher fitted on labelled rows, with every setting in an options object (see the overload with plain parameters).</summary>
    /// <param name="mlContext">The context the head's trainers run in.</param>
    /// <param name="trainingData">The labelled rows; rows without a label are skipped.</param>
    /// <param name="encoder">An encoder with a per-token output (pooled into embeddings). The teacher holds its session
    /// until the teacher is disposed.</param>
    /// <param name="options">Columns and regularisation.</param>
    public static Teacher FromTextEncoder(MLContext mlContext, IDataView trainingData, TextEncoder encoder, TextEncoderTeacherOptions options)
        => TextEncoderTeacher.Fit(mlContext, trainingData, encoder, options);

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

    /// <summary>
    /// Turns probabilities into logits in place: with several outputs per row, class probabilities into log-probabilities
    /// (softmax(log p) = p); with one output per row, the positive class's probability into its logit log(p / (1 − p))
    /// (σ(logit p) = p). The floor keeps log(0) finite so the losses stay defined.
    /// </summary>
    internal static void ProbabilitiesToLogits(Span<float> values, int outputsPerRow)
    {
        const float Floor = 1e-12f;
        if (outputsPerRow > 1)
            for (int i = 0; i < values.Length; i++)
                values[i] = MathF.Log(MathF.Max(values[i], Floor));
        else
            for (int i = 0; i < values.Length; i++)
                values[i] = MathF.Log(MathF.Max(values[i], Floor)) - MathF.Log(MathF.Max(1 - values[i], Floor));
    }
}
