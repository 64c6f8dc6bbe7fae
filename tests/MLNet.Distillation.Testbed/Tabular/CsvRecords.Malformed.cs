namespace MLNet.Distillation.Cli;

internal static partial class CsvRecords
{
    /// <summary>A malformed file, in the Testbed's readers.</summary>
    private static partial Exception Malformed(string message) => new InvalidDataException(message);
}
