namespace MLNet.Distillation.Cli;

/// <summary>What <c>--teacher</c> named: <c>lightgbm</c> (a teacher trained here), an ONNX file or an ML.NET model .zip.</summary>
internal enum TeacherKind
{
    /// <summary>An ML.NET LightGbm model trained on the featurised training rows before the student.</summary>
    LightGbm,

    /// <summary>An ONNX model reading the <c>Features</c> vector.</summary>
    Onnx,

    /// <summary>An ML.NET model .zip (for example one Model Builder trained) reading the CSV's columns.</summary>
    MLNetModel,
}

/// <summary>The parsed <c>--teacher</c> value.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Path">The model file (null for <see cref="TeacherKind.LightGbm"/>).</param>
internal sealed record TeacherSource(TeacherKind Kind, string? Path)
{
    /// <summary>The teacher in words, for the console and the report's title.</summary>
    public string Describe() => Kind switch
    {
        TeacherKind.LightGbm => "LightGbm teacher",
        TeacherKind.Onnx => $"ONNX teacher {System.IO.Path.GetFileName(Path)}",
        _ => $"ML.NET teacher {System.IO.Path.GetFileName(Path)}",
    };

    /// <summary>Parses <c>--teacher</c>: <c>lightgbm</c>, a path ending in <c>.onnx</c> or <c>.zip</c>; the file must exist.</summary>
    /// <param name="value">The option's value.</param>
    /// <param name="allowLightGbm">Whether a teacher may be trained here (train, sweep) or must be a file (evaluate).</param>
    public static TeacherSource Parse(string value, bool allowLightGbm = true)
    {
        if (value.Equals("lightgbm", StringComparison.OrdinalIgnoreCase))
            return allowLightGbm ? new TeacherSource(TeacherKind.LightGbm, null)
                : throw CliException.BadInput("--teacher lightgbm: evaluate needs the teacher a student learnt from: give the teacher.zip that 'distill train --teacher lightgbm' wrote.");
        var kind = System.IO.Path.GetExtension(value).ToLowerInvariant() switch
        {
            ".onnx" => TeacherKind.Onnx,
            ".zip" => TeacherKind.MLNetModel,
            _ => throw CliException.BadInput($"--teacher {value}: must be 'lightgbm', an ONNX model (.onnx) or an ML.NET model (.zip)."),
        };
        if (!File.Exists(value))
            throw CliException.BadInput($"--teacher {value}: file not found.");
        return new TeacherSource(kind, System.IO.Path.GetFullPath(value));
    }
}
