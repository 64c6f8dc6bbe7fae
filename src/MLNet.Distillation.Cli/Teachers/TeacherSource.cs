namespace MLNet.Distillation.Cli;

/// <summary>What <c>--teacher</c> named: <c>lightgbm</c> (a teacher trained here), an ONNX file, an ML.NET model .zip, or a text encoder.</summary>
internal enum TeacherKind
{
    /// <summary>An ML.NET LightGbm model trained on the featurised training rows before the student.</summary>
    LightGbm,

    /// <summary>An ONNX model reading the <c>Features</c> vector.</summary>
    Onnx,

    /// <summary>An ML.NET model .zip (for example one Model Builder trained) reading the CSV's columns.</summary>
    MLNetModel,

    /// <summary>
    /// A pretrained transformer over the CSV's free-text column (<c>minilm</c>: all-MiniLM-L6-v2, shipped with the tool; or
    /// an encoder .onnx with <c>--vocab</c>) with a linear head fitted here on the training rows' labels.
    /// </summary>
    TextEncoder,
}

/// <summary>The parsed <c>--teacher</c> value.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Path">The model file (null for <see cref="TeacherKind.LightGbm"/> and the shipped MiniLM).</param>
/// <param name="Vocabulary">A text encoder's WordPiece vocabulary file (null for the shipped MiniLM and other kinds).</param>
/// <param name="OutputKind">An ONNX teacher's <c>--teacher-outputs</c> (logits or probabilities), or null when not given.</param>
internal sealed record TeacherSource(TeacherKind Kind, string? Path, string? Vocabulary = null, TeacherOutputKind? OutputKind = null)
{
    /// <summary>The flag that says what an ONNX teacher's output holds.</summary>
    public const string OutputsFlag = "--teacher-outputs";

    /// <summary>
    /// This source with <c>--teacher-outputs</c> applied: <c>logits</c> or <c>probabilities</c>, for an ONNX teacher only
    /// (an ML.NET model says what its columns hold; LightGbm and text teachers are built here).
    /// </summary>
    public TeacherSource WithOutputs(string? value)
    {
        if (value is null)
            return this;
        TeacherOutputKind kind = value.ToLowerInvariant() switch
        {
            "logits" => TeacherOutputKind.Logits,
            "probabilities" => TeacherOutputKind.Probabilities,
            _ => throw CliException.BadInput($"{OutputsFlag} {value}: must be 'logits' or 'probabilities'."),
        };
        return Kind == TeacherKind.Onnx ? this with { OutputKind = kind }
            : throw CliException.BadInput($"{OutputsFlag} {value}: applies to an ONNX teacher (--teacher model.onnx), not to the {Describe()}.");
    }

    /// <summary>The <c>--teacher</c> value of the shipped text encoder.</summary>
    public const string MiniLM = "minilm";

    /// <summary>The teacher in words, for the console and the report's title.</summary>
    public string Describe() => Kind switch
    {
        TeacherKind.LightGbm => "LightGbm teacher",
        TeacherKind.Onnx => $"ONNX teacher {System.IO.Path.GetFileName(Path)}",
        TeacherKind.TextEncoder => Path is null ? "MiniLM text teacher" : $"text encoder teacher {System.IO.Path.GetFileName(Path)}",
        _ => $"ML.NET teacher {System.IO.Path.GetFileName(Path)}",
    };

    /// <summary>
    /// Parses <c>--teacher</c>: <c>lightgbm</c>, <c>minilm</c>, a path ending in <c>.onnx</c> (a text encoder when
    /// <paramref name="vocabulary"/> is given) or <c>.zip</c>; the files must exist.
    /// </summary>
    /// <param name="value">The option's value.</param>
    /// <param name="allowLightGbm">Whether a teacher may be trained here (train, sweep) or must be a file (evaluate).</param>
    /// <param name="vocabulary"><c>--vocab</c>: an encoder's vocab.txt, or null.</param>
    /// <param name="command">The command that must be given a file (for the message refusing <c>lightgbm</c>): evaluate or score.</param>
    public static TeacherSource Parse(string value, bool allowLightGbm = true, string? vocabulary = null, string command = "evaluate")
    {
        if (value.Equals(MiniLM, StringComparison.OrdinalIgnoreCase) || vocabulary is not null)
        {
            if (!allowLightGbm)
                throw CliException.BadInput($"--teacher {value}: a text encoder's head is fitted on the training rows, so only 'distill train' can use it.");
            if (vocabulary is not null && !File.Exists(vocabulary))
                throw CliException.BadInput($"--vocab {vocabulary}: file not found.");
            if (value.Equals(MiniLM, StringComparison.OrdinalIgnoreCase))
                return vocabulary is null ? new TeacherSource(TeacherKind.TextEncoder, null)
                    : throw CliException.BadInput($"--vocab {vocabulary}: the shipped MiniLM has its own vocabulary; --vocab goes with an encoder .onnx.");
            if (!value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                throw CliException.BadInput($"--teacher {value}: with --vocab, --teacher must be a text encoder's .onnx file.");
            if (!File.Exists(value))
                throw CliException.BadInput($"--teacher {value}: file not found.");
            return new TeacherSource(TeacherKind.TextEncoder, System.IO.Path.GetFullPath(value), System.IO.Path.GetFullPath(vocabulary!));
        }
        if (value.Equals("lightgbm", StringComparison.OrdinalIgnoreCase))
            return allowLightGbm ? new TeacherSource(TeacherKind.LightGbm, null)
                : throw CliException.BadInput(command == "evaluate"
                    ? "--teacher lightgbm: evaluate needs the teacher a student learnt from: give the teacher.zip that 'distill train --teacher lightgbm' wrote."
                    : $"--teacher lightgbm: {command} needs a teacher file: give the teacher.zip that 'distill train --teacher lightgbm' wrote.");
        var kind = System.IO.Path.GetExtension(value).ToLowerInvariant() switch
        {
            ".onnx" => TeacherKind.Onnx,
            ".zip" => TeacherKind.MLNetModel,
            _ => throw CliException.BadInput($"--teacher {value}: must be 'lightgbm', 'minilm', an ONNX model (.onnx; with --vocab, a text encoder) or an ML.NET model (.zip)."),
        };
        if (!File.Exists(value))
            throw CliException.BadInput($"--teacher {value}: file not found.");
        return new TeacherSource(kind, System.IO.Path.GetFullPath(value));
    }
}
