namespace MLNet.Distillation.Cli;

/// <summary>
/// An error the user can act on: its message is the one line <c>distill</c> prints on stderr (naming the option, file or
/// column at fault), its exit code one of <see cref="ExitCodes"/>.
/// </summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The process exit code this error ends <c>distill</c> with.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>Bad arguments or input (<see cref="ExitCodes.BadInput"/>).</summary>
    public static CliException BadInput(string message, Exception? inner = null) => new(ExitCodes.BadInput, message, inner);

    /// <summary>A teacher or training failure (<see cref="ExitCodes.TrainingFailed"/>), the library's remedies put as flags.</summary>
    public static CliException TrainingFailed(string message, Exception? inner = null)
        => new(ExitCodes.TrainingFailed, InCommandLineTerms(message), inner);

    /// <summary>
    /// The library names its options in its refusals; a command-line user needs the flag that sets them. Only the remedies
    /// the command line offers are rewritten.
    /// </summary>
    internal static string InCommandLineTerms(string message) => message
        .Replace("Set OnnxTeacherOptions.OutputKind = TeacherOutputKind.Probabilities", $"Pass {TeacherSource.OutputsFlag} probabilities",
            StringComparison.Ordinal)
        .Replace("set OnnxTeacherOptions.OutputKind = TeacherOutputKind.Probabilities", $"pass {TeacherSource.OutputsFlag} probabilities",
            StringComparison.Ordinal)
        .Replace("or TeacherOutputKind.Logits if these really are logits", $"or {TeacherSource.OutputsFlag} logits if these really are logits",
            StringComparison.Ordinal);

    /// <summary>An output that could not be written (<see cref="ExitCodes.OutputFailed"/>).</summary>
    public static CliException OutputFailed(string message, Exception? inner = null) => new(ExitCodes.OutputFailed, message, inner);
}
