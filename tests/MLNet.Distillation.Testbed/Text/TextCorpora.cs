using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

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
    /// modeldata's <c>small_fine_foods</c>: its own split of 4,000 training and 1,000 test reviews, as CSV files with the
    /// columns <c>product</c>, <c>review</c> and <c>score</c> (<c>great</c> or <c>other</c>).
    /// </summary>
    public static (string Train, string Test) FineFoods(string? folder = null)
    {
        folder ??= DefaultFolder;
        string Export(string name, string table) => ModelData.ExportWithR($"fine_foods_{name}.csv", folder, "r-cran-modeldata",
            temp => $"library(modeldata); data(small_fine_foods); write.csv({table}, '{temp}', row.names = FALSE)");
        return (Export("train", "training_data"), Export("test", "testing_data"));
    }

    /// <summary>
    /// Jane Austen's six novels cut into passages of <paramref name="linesPerPassage"/> consecutive non-empty lines (each
    /// book on its own; a passage never spans two books), as a CSV with the columns <c>text</c> and <c>book</c>: which
    /// book a passage comes from is a six-class task. Lines of chapter and volume headings are left out.
    /// </summary>
    public static string AustenPassages(int linesPerPassage = 10, string? folder = null)
    {
        folder ??= DefaultFolder;
        string lines = ModelData.ExportWithR("austen_lines.csv", folder, "r-cran-janeaustenr",
            temp => $"library(janeaustenr); b <- austen_books(); write.csv(data.frame(text = b$text, book = as.character(b$book)), '{temp}', row.names = FALSE)");
        string path = Path.Combine(folder, $"austen_passages_{linesPerPassage}.csv");
        if (File.Exists(path))
            return path;
        var output = new StringBuilder("\"text\",\"book\"\n");
        string? currentBook = null;
        var passage = new List<string>();
        void Flush()
        {
            if (passage.Count == linesPerPassage)
                output.Append(Quote(string.Join(" ", passage))).Append(',').Append(Quote(currentBook!)).Append('\n');
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

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"") + "\"";

    /// <summary>The rows of a two-column CSV written by R's write.csv, read by ML.NET's own loader (quoted fields, doubled quotes, a header).</summary>
    private static IEnumerable<(string, string)> ReadTwoColumns(string path)
    {
        var ml = new Microsoft.ML.MLContext(0);
        var data = ml.Data.LoadFromTextFile(path, [
            new Microsoft.ML.Data.TextLoader.Column("text", Microsoft.ML.Data.DataKind.String, 0),
            new Microsoft.ML.Data.TextLoader.Column("book", Microsoft.ML.Data.DataKind.String, 1),
        ], separatorChar: ',', hasHeader: true, allowQuoting: true);
        var texts = data.GetColumn<string>("text").ToArray();
        var books = data.GetColumn<string>("book").ToArray();
        return texts.Zip(books);
    }
}
