using nietras.SeparatedValues;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Reads the records of a comma-separated file as ML.NET's TextLoader does with <c>AllowQuoting</c> and
/// <c>ReadMultilines</c>: double quotes around a field protect commas and line breaks, and <c>""</c> inside them is one
/// quote. Blank lines are skipped; fields are trimmed of surrounding white space. Each record carries the line it starts
/// on, for error messages. The one CSV reader of the command line and the Testbed (compiled into both): the parsing is
/// Sep's; what a malformed file raises is each one's own (<see cref="Malformed"/>).
/// </summary>
internal static partial class CsvRecords
{
    /// <summary>The records of <paramref name="path"/>, fields unquoted and trimmed of surrounding white space.</summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields)> Read(string path)
    {
        using var reader = Sep.Reader(o => o with
        {
            Sep = new Sep(','),
            HasHeader = false,
            Unescape = true,
            Trim = SepTrim.All,
            // Records of different lengths are the callers' to report, with the file's column count.
            DisableColCountCheck = true,
        }).FromFile(path);
        while (reader.MoveNext())
            if (Record(reader.Current, path) is { } record)
                yield return record;
    }

    /// <summary>One row's line and fields, or null for a blank line.</summary>
    private static (int Line, IReadOnlyList<string> Fields)? Record(SepReader.Row row, string path)
    {
        // Sep 0.18 gives the first row's first line as 2; the first row starts the file.
        int line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
        var text = row.Span;
        if (text.Trim().IsEmpty)
            return null;
        // Read before any field: unescaping rewrites the row's text in place. A record's quotes pair up (an escaped quote
        // is two); an odd count means a quoted field ran to the end of the file.
        if (text.Count('"') % 2 != 0)
            throw Malformed($"'{path}', line {line}: a quoted field is not closed before the end of the file.");
        var fields = new string[row.ColCount];
        for (int i = 0; i < fields.Length; i++)
            fields[i] = row[i].ToString().Trim();
        return (line, fields);
    }

    /// <summary>The exception a malformed file raises (the command line's refusal, or the Testbed's).</summary>
    private static partial Exception Malformed(string message);
}
