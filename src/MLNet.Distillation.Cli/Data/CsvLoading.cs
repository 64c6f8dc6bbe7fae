using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Loads chosen columns of a CSV file by name, with given types, through ML.NET's TextLoader; the file's inferred kinds
/// must fit the types (a text value in a Single column would otherwise load as a missing value without a word).
/// </summary>
internal static class CsvLoading
{
    /// <summary>Loads <paramref name="columns"/> from <paramref name="file"/>, each by its name's position in that file.</summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="file">The inferred file.</param>
    /// <param name="columns">Name and type of every column to load.</param>
    /// <param name="option">The option that named the file (<c>--data</c>, <c>--test</c>), for messages.</param>
    /// <param name="reference">The file the columns were learnt from (messages name it), or null.</param>
    public static IDataView Load(MLContext mlContext, CsvSchema file, IEnumerable<(string Name, DataKind Kind)> columns, string option,
        string? reference = null)
    {
        var loaderColumns = new List<TextLoader.Column>();
        foreach (var (name, kind) in columns)
        {
            var column = file.Columns.FirstOrDefault(c => c.Name == name)
                ?? throw CliException.BadInput($"{option} {file.FileName}: column '{name}' {(reference is null ? "is missing" : $"of {reference} is missing")}; its columns are: {file.ColumnList()}.");
            CheckFits(column, kind, file.FileName, reference);
            loaderColumns.Add(new TextLoader.Column(name, kind, column.Index));
        }
        var loader = mlContext.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = [.. loaderColumns],
            HasHeader = file.HasHeader,
            Separators = [','],
            AllowQuoting = true,
            ReadMultilines = true,
            TrimWhitespace = true,
            MissingRealsAsNaNs = true,
        });
        return loader.Load(file.Path);
    }

    /// <summary>Refuses a column whose values cannot load as <paramref name="kind"/>, naming the file, the column and a value.</summary>
    private static void CheckFits(InferredColumn column, DataKind kind, string fileName, string? reference)
    {
        bool fits = kind switch
        {
            DataKind.Single => column.Kind == ColumnKind.Numeric,
            DataKind.Boolean => column.Kind == ColumnKind.Boolean || TaskInference.IsZeroOne(column) || column.IsEmpty,
            _ => true,
        };
        if (!fits)
        {
            string example = column.Distinct.FirstOrDefault(v => kind == DataKind.Single ? !CsvColumnInference.IsNumber(v) : v is not ("0" or "1"))
                ?? column.Distinct.FirstOrDefault() ?? "";
            throw CliException.BadInput($"column '{column.Name}' in {fileName} holds '{example}', but it is {(kind == DataKind.Single ? "numeric" : "Boolean (true/false)")}" +
                $"{(reference is null ? "" : $" in {reference}")}.");
        }
    }
}
