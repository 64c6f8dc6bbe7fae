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

    /// <summary>A teacher or training failure (<see cref="ExitCodes.TrainingFailed"/>).</summary>
    public static CliException TrainingFailed(string message, Exception? inner = null) => new(ExitCodes.TrainingFailed, message, inner);

    /// <summary>An output that could not be written (<see cref="ExitCodes.OutputFailed"/>).</summary>
    public static CliException OutputFailed(string message, Exception? inner = null) => new(ExitCodes.OutputFailed, message, inner);
}
