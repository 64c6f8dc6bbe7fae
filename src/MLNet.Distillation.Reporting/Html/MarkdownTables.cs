namespace MLNet.Distillation.Reporting.Html;

/// <summary>
/// Reads the pipe tables of <see cref="DistillationEvaluation.ToMarkdown"/> back into cells, so that the HTML report shows
/// exactly the figures the Markdown does (no Markdown library: these tables are plain rows of <c>|</c>-separated cells).
/// </summary>
internal static class MarkdownTables
{
    /// <summary>The tables in <paramref name="markdown"/>, each as its header row then its body rows (the alignment row dropped).</summary>
    public static IReadOnlyList<IReadOnlyList<string[]>> Parse(string markdown)
    {
        var tables = new List<IReadOnlyList<string[]>>();
        List<string[]>? current = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith('|'))
            {
                current = null;
                continue;
            }
            if (current is null)
                tables.Add(current = []);
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (current.Count == 1 && cells.All(c => c.Trim(':').Length > 0 && c.Trim(':').All(ch => ch == '-')))
                continue; // the alignment row
            current.Add(cells);
        }
        return tables;
    }

    /// <summary>The body rows of a table as label → cells after the label (the first cell names the row).</summary>
    public static Dictionary<string, string[]> ByLabel(IReadOnlyList<string[]> table)
        => table.Skip(1).GroupBy(r => r[0]).ToDictionary(g => g.Key, g => g.First()[1..]);
}
