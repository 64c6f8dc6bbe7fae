using System.Text;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Reads the records of a comma-separated file as ML.NET's TextLoader does with <c>AllowQuoting</c> and
/// <c>ReadMultilines</c>: double quotes around a field protect commas and line breaks, and <c>""</c> inside them is one
/// quote. Blank lines are skipped. Each record carries the line it starts on, for error messages.
/// </summary>
internal static class CsvRecords
{
    /// <summary>The records of <paramref name="path"/>, fields unquoted and trimmed of surrounding spaces.</summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields)> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int lineNumber = 0;
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
                continue;
            int start = lineNumber;
            var fields = new List<string>();
            var current = new StringBuilder();
            bool quoted = false;
            while (true)
            {
                for (int i = 0; i < line.Length; i++)
                {
                    char ch = line[i];
                    if (quoted)
                    {
                        if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                        else if (ch == '"') quoted = false;
                        else current.Append(ch);
                    }
                    else if (ch == '"') quoted = true;
                    else if (ch == ',') { fields.Add(current.ToString().Trim()); current.Clear(); }
                    else current.Append(ch);
                }
                if (!quoted)
                    break;
                // A quoted field that spans lines: the line break is part of the value.
                line = reader.ReadLine();
                if (line is null)
                    throw CliException.BadInput($"'{path}', line {start}: a quoted field is not closed before the end of the file.");
                lineNumber++;
                current.Append('\n');
            }
            fields.Add(current.ToString().Trim());
            yield return (start, fields);
        }
    }
}
