namespace MLNet.Distillation.Cli;

/// <summary>
/// The tokens a CSV file writes for a missing value: empty, <c>NA</c> (R's write.csv), <c>N/A</c>, <c>NaN</c>, <c>?</c>
/// (UCI files), <c>null</c> and <c>None</c> (pandas and JSON exports), case-insensitively. One definition for every reader
/// of tables: the command line's column inference, and the Testbed's tabular reader (which compiles this file in), so a
/// column that one calls numeric with gaps the other does not call text.
/// </summary>
internal static class MissingValues
{
    private static readonly HashSet<string> Tokens = new(StringComparer.OrdinalIgnoreCase) { "", "NA", "N/A", "NaN", "?", "null", "None" };

    /// <summary>Whether <paramref name="value"/> (a field, unquoted) stands for a missing value.</summary>
    public static bool IsMissing(string value) => Tokens.Contains(value);
}
