namespace MLNet.Distillation.Cli;

internal static partial class CsvRecords
{
    /// <summary>A malformed file is bad input: <c>distill</c> prints the message and exits with <see cref="ExitCodes.BadInput"/>.</summary>
    private static partial Exception Malformed(string message) => CliException.BadInput(message);
}
