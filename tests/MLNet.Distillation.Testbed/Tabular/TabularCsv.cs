using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Testbed;

/// <summary>
/// A comma-separated table with a header, its column types inferred from the values as Model Builder does (a column is
/// numeric when every value parses as a number or is missing, as the command line's <c>MissingValues</c> says: empty,
/// <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>?</c>, <c>null</c>, <c>None</c>; otherwise it is categorical text), loaded into an
/// IDataView and featurised into one <c>Features</c> vector: numbers with missing values replaced by the column mean,
/// categories one-hot encoded.
/// </summary>
public sealed class TabularCsv
{
    private TabularCsv(string path, IReadOnlyList<TabularColumn> columns, int rows)
    {
        Path = path;
        Columns = columns;
        RowCount = rows;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Every column of the file, in file order.</summary>
    public IReadOnlyList<TabularColumn> Columns { get; }

    /// <summary>Data rows (the header excluded).</summary>
    public int RowCount { get; }

    /// <summary>
    /// Reads the whole file once (with the command line's reader, <c>CsvRecords</c>) to learn each column's type; errors
    /// name the file and the line.
    /// </summary>
    /// <param name="path">The CSV file (RFC 4180 quoting, as R's <c>write.csv</c> writes it).</param>
    public static TabularCsv Inspect(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The table '{path}' does not exist.", path);
        IReadOnlyList<string>? header = null;
        bool[] numeric = [];
        int rows = 0;
        foreach (var (line, values) in MLNet.Distillation.Cli.CsvRecords.Read(path))
        {
            if (header is null)
            {
                header = values;
                numeric = Enumerable.Repeat(true, header.Count).ToArray();
                continue;
            }
            if (values.Count != header.Count)
                throw new InvalidDataException($"'{path}', line {line}: {values.Count} values, but the header names {header.Count} columns.");
            for (int c = 0; c < values.Count; c++)
                if (numeric[c] && !IsMissing(values[c]) && !double.TryParse(values[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    numeric[c] = false;
            rows++;
        }
        if (header is null)
            throw new InvalidDataException($"'{path}' is empty.");
        return new TabularCsv(path, header.Select((name, i) => new TabularColumn(name, numeric[i], i)).ToArray(), rows);
    }

    /// <summary>The column called <paramref name="name"/>; the error lists the columns.</summary>
    public TabularColumn this[string name] => Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"'{Path}' has no column '{name}'; its columns are {string.Join(", ", Columns.Select(c => c.Name))}.", nameof(name));

    /// <summary>Loads the file: numeric columns as Single (missing → NaN), the others as text, under their header names.</summary>
    public IDataView Load(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var loader = mlContext.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = Columns.Select(c => new TextLoader.Column(c.Name, c.IsNumeric ? DataKind.Single : DataKind.String, c.Index)).ToArray(),
            HasHeader = true,
            Separators = [','],
            AllowQuoting = true,
            MissingRealsAsNaNs = true,
        });
        return loader.Load(Path);
    }

    /// <summary>
    /// The featuriser of every column but <paramref name="exclude"/>: numeric columns with missing values replaced by the
    /// mean, text columns one-hot encoded, all concatenated into <c>Features</c>.
    /// </summary>
    public IEstimator<ITransformer> Featurizer(MLContext mlContext, params string[] exclude)
    {
        var inputs = Columns.Where(c => !exclude.Contains(c.Name)).ToArray();
        var numeric = inputs.Where(c => c.IsNumeric).Select(c => new InputOutputColumnPair(c.Name)).ToArray();
        var categorical = inputs.Where(c => !c.IsNumeric).Select(c => new InputOutputColumnPair(c.Name)).ToArray();
        // ML.NET's default replacement is the type's default (0), not the mean the documentation above promises.
        IEstimator<ITransformer> pipeline = mlContext.Transforms.ReplaceMissingValues(numeric,
            Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Mean);
        if (categorical.Length > 0)
            pipeline = pipeline.Append(mlContext.Transforms.Categorical.OneHotEncoding(categorical));
        return pipeline.Append(mlContext.Transforms.Concatenate("Features", inputs.Select(c => c.Name).ToArray()));
    }

    private static bool IsMissing(string value) => MLNet.Distillation.Cli.MissingValues.IsMissing(value);
}

/// <summary>A column of a <see cref="TabularCsv"/>.</summary>
/// <param name="Name">The header's name for it.</param>
/// <param name="IsNumeric">Whether every value is a number or missing.</param>
/// <param name="Index">Its position in the file.</param>
public sealed record TabularColumn(string Name, bool IsNumeric, int Index);
