using System.Text;

namespace MLNet.Distillation.Testbed;

/// <summary>
/// Real text for the text benchmarks, exported from Debian's R packages on first use (nothing is downloaded from
/// elsewhere): Amazon fine-food reviews from modeldata's <c>small_fine_foods</c> (MIT; <c>r-cran-modeldata</c>) and Jane
/// Austen's six novels from janeaustenr (MIT; <c>r-cran-janeaustenr</c>).
/// </summary>
public static class TextCorpora
{
    /// <summary>Where exported files are kept between runs.</summary>
    public static string DefaultFolder { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "mlnet-distillation", "text");

    /// <summary>
    /// modeldata's <c>small_fine_foods</c>: its own split of 4,000 training and 1,000 test reviews, as tab-separated files
    /// without quoting (tabs and line breaks in a review become spaces) with the columns <c>product</c>, <c>review</c> and
    /// <c>score</c> (<c>great</c> or <c>other</c>). Not CSV: reviews quote, and ML.NET's loader mis-splits doubled quotes.
    /// </summary>
    public static (string Train, string Test) FineFoods(string? folder = null)
    {
        folder ??= DefaultFolder;
        string Export(string name, string table) => ModelData.ExportWithR($"fine_foods_{name}.tsv", folder, "r-cran-modeldata",
            temp => $"library(modeldata); data(small_fine_foods); d <- {table}; d$review <- gsub('[\\t\\r\\n]', ' ', d$review); " +
                $"write.table(d, '{temp}', sep = '\\t', quote = FALSE, row.names = FALSE)");
        return (Export("train", "training_data"), Export("test", "testing_data"));
    }

    /// <summary>
    /// Jane Austen's six novels cut into passages of <paramref name="linesPerPassage"/> consecutive non-empty lines (each
    /// book on its own; a passage never spans two books), as a tab-separated file with the columns <c>text</c> and
    /// <c>book</c> and no quoting (tabs in the text become spaces): which book a passage comes from is a six-class task.
    /// Lines of chapter and volume headings are left out. Not CSV: Austen's dialogue is full of quotes, and ML.NET's loader
    /// mis-split doubled quotes into a dozen phantom "books".
    /// </summary>
    public static string AustenPassages(int linesPerPassage = 10, string? folder = null)
    {
        folder ??= DefaultFolder;
        string lines = ModelData.ExportWithR("austen_lines.tsv", folder, "r-cran-janeaustenr",
            temp => "library(janeaustenr); b <- austen_books(); " +
                $"write.table(data.frame(text = gsub('[\\t\\r\\n]', ' ', b$text), book = as.character(b$book)), '{temp}', sep = '\\t', quote = FALSE, row.names = FALSE)");
        string path = Path.Combine(folder, $"austen_passages_{linesPerPassage}.tsv");
        if (File.Exists(path))
            return path;
        var output = new StringBuilder("text\tbook\n");
        string? currentBook = null;
        var passage = new List<string>();
        void Flush()
        {
            if (passage.Count == linesPerPassage)
                output.Append(string.Join(" ", passage).Replace('\t', ' ')).Append('\t').Append(currentBook!).Append('\n');
            passage.Clear();
        }
        foreach (var (text, book) in ReadTwoColumns(lines))
        {
            if (book != currentBook)
            {
                passage.Clear();
                currentBook = book;
            }
            if (string.IsNullOrWhiteSpace(text) || IsHeading(text))
                continue;
            passage.Add(text.Trim());
            if (passage.Count == linesPerPassage)
                Flush();
        }
        string temp = path + ".tmp";
        File.WriteAllText(temp, output.ToString());
        File.Move(temp, path, overwrite: true);
        return path;
    }

    private static bool IsHeading(string line)
    {
        var t = line.Trim();
        return t.StartsWith("CHAPTER", StringComparison.Ordinal) || t.StartsWith("Chapter ", StringComparison.Ordinal)
            || t.StartsWith("VOLUME", StringComparison.Ordinal) || t.StartsWith("THE END", StringComparison.Ordinal);
    }

    /// <summary>The rows of a two-column tab-separated file without quoting, after its header.</summary>
    private static IEnumerable<(string, string)> ReadTwoColumns(string path)
        => File.ReadLines(path, Encoding.UTF8).Skip(1).Select(line => line.Split('\t')).Where(f => f.Length == 2).Select(f => (f[0], f[1]));
}
