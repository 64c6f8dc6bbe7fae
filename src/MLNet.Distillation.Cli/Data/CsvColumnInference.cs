using System.Globalization;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Infers the columns of a CSV file from its values, as Model Builder's column inference does (ML.NET's own
/// <c>InferColumns</c> lives in Microsoft.ML.AutoML): a column is <see cref="ColumnKind.Numeric"/> when every non-empty
/// value parses as a float in the invariant culture, <see cref="ColumnKind.Boolean"/> when every one is true/false,
/// otherwise text: <see cref="ColumnKind.Categorical"/> when its values repeat (few distinct values), else free
/// <see cref="ColumnKind.Text"/>. Every row is read, not a sample: ML.NET's loader turns a value that does not parse into
/// a missing value without a word, so one stray word in a numeric column must make it text here instead.
/// </summary>
internal static class CsvColumnInference
{
    /// <summary>Distinct values kept per column; a text column with more is free text.</summary>
    public const int DistinctLimit = 1000;

    /// <summary>A text column with at most this many distinct values (and values that repeat) is categorical.</summary>
    public const int MaximumCategories = 100;

    /// <summary>Whether <paramref name="value"/> stands for a missing value (<see cref="MissingValues"/>).</summary>
    public static bool IsMissing(string value) => MissingValues.IsMissing(value);

    /// <summary>Whether <paramref name="value"/> parses as a float, in the invariant culture.</summary>
    public static bool IsNumber(string value) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>Whether a text column with these values is categorical: few distinct values, each seen twice on average.</summary>
    public static bool IsCategorical(int distinct, bool manyDistinct, int nonMissing)
        => !manyDistinct && distinct <= MaximumCategories && distinct * 2 <= nonMissing;

    /// <summary>Reads <paramref name="path"/> whole and infers its columns.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="option">The option that named it (<c>--data</c>, <c>--test</c>), for messages.</param>
    /// <param name="hasHeader">Whether the first row names the columns; null decides from the values (see <see cref="LooksLikeHeader"/>).</param>
    public static CsvSchema Infer(string path, string option, bool? hasHeader = null)
    {
        if (!File.Exists(path))
            throw CliException.BadInput(Directory.Exists(path) ? $"{option} {path}: is a folder, not a CSV file." : $"{option} {path}: file not found.");
        IReadOnlyList<string>? first = null;
        var stats = new List<ColumnStats>();
        int rows = 0;
        try
        {
            if (Utf8Check.FirstInvalid(path) is { } invalid)
                throw NotUtf8(path, option, invalid, hasHeader);
            foreach (var (line, fields) in CsvRecords.Read(path))
            {
                if (first is null)
                {
                    first = fields;
                    stats.AddRange(fields.Select(_ => new ColumnStats()));
                    continue;
                }
                if (fields.Count != first.Count)
                    throw CliException.BadInput($"'{path}', line {line}: {fields.Count} values, but the first row has {first.Count}.");
                for (int c = 0; c < fields.Count; c++)
                    stats[c].Add(fields[c]);
                rows++;
            }
        }
        catch (IOException e)
        {
            throw CliException.BadInput($"{option} {path}: could not be read: {e.Message}", e);
        }
        if (first is null)
            throw CliException.BadInput($"{option} {path}: the file is empty.");

        bool header = hasHeader ?? LooksLikeHeader(first, stats);
        string[] names;
        if (header)
        {
            names = first.Select((name, i) => name.Length == 0 ? $"col{i}" : name).ToArray();
            var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw CliException.BadInput($"{option} {path}: the header names column '{duplicate.Key}' twice.");
        }
        else
        {
            names = first.Select((_, i) => $"col{i}").ToArray();
            for (int c = 0; c < first.Count; c++)
                stats[c].Add(first[c]);
            rows++;
        }
        if (rows == 0)
            throw CliException.BadInput($"{option} {path}: no data rows{(header ? " below the header" : "")}.");
        return new CsvSchema(Path.GetFullPath(path), header, stats.Select((s, i) => s.ToColumn(names[i], i)).ToArray(), rows);
    }

    /// <summary>The refusal of a file that is not UTF-8, naming the line and (from the header row) the column.</summary>
    private static CliException NotUtf8(string path, string option, Utf8Check.Failure invalid, bool? hasHeader)
    {
        string column = $"col{invalid.Field}";
        if (hasHeader != false && invalid.Line > 1 && CsvRecords.Read(path).FirstOrDefault().Fields is { } header
            && invalid.Field < header.Count && header.All(name => !IsMissing(name) && !IsNumber(name)))
            column = header[invalid.Field];
        string name = Path.GetFileName(path);
        return CliException.BadInput($"{option} {path}, line {invalid.Line}, column '{column}': byte 0x{invalid.Byte:X2} is not UTF-8 " +
            $"(the file looks Latin-1 or Windows-1252, where Ä, Ö and Ü would all read as the same character); " +
            $"save it as UTF-8 (e.g. iconv -f latin1 -t utf-8 {name} > utf8-{name}).");
    }

    /// <summary>
    /// The first row is a header when every value in it is non-empty text that is not a number, or when it holds text in a
    /// column whose other values are all numbers. A file whose first row is data like the rest (digits.csv) has none.
    /// </summary>
    public static bool LooksLikeHeader(IReadOnlyList<string> first, IReadOnlyList<ColumnStats> rest)
    {
        if (first.All(v => !IsMissing(v) && !IsNumber(v)))
            return true;
        for (int c = 0; c < first.Count; c++)
            if (!IsMissing(first[c]) && !IsNumber(first[c]) && rest[c].NonMissing > 0 && rest[c].AllNumeric)
                return true;
        return false;
    }

    /// <summary>What one column's values showed so far.</summary>
    internal sealed class ColumnStats
    {
        private readonly List<string> _distinct = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public int NonMissing { get; private set; }
        public int Missing { get; private set; }
        public bool AllNumeric { get; private set; } = true;
        public bool AllBoolean { get; private set; } = true;
        public bool AllIntegers { get; private set; } = true;
        public bool ManyDistinct { get; private set; }

        public void Add(string value)
        {
            if (IsMissing(value))
            {
                Missing++;
                return;
            }
            NonMissing++;
            if (AllNumeric)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
                    AllIntegers &= Math.Abs(number) < 1e9 && number == Math.Floor(number);
                else
                    AllNumeric = AllIntegers = false;
            }
            AllBoolean &= value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase);
            if (!ManyDistinct && _seen.Add(value))
            {
                if (_distinct.Count == DistinctLimit)
                    ManyDistinct = true;
                else
                    _distinct.Add(value);
            }
        }

        public InferredColumn ToColumn(string name, int index)
        {
            var kind = NonMissing == 0 || AllNumeric ? ColumnKind.Numeric
                : AllBoolean ? ColumnKind.Boolean
                : IsCategorical(_distinct.Count, ManyDistinct, NonMissing) ? ColumnKind.Categorical
                : ColumnKind.Text;
            return new InferredColumn(name, index, kind, Missing, _distinct, ManyDistinct, AllNumeric && AllIntegers && NonMissing > 0);
        }
    }
}
