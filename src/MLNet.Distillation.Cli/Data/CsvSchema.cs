namespace MLNet.Distillation.Cli;

/// <summary>A CSV file's columns and their inferred kinds (see <see cref="CsvColumnInference"/>).</summary>
/// <param name="Path">The file.</param>
/// <param name="HasHeader">Whether its first record names the columns.</param>
/// <param name="Columns">Every column, in file order.</param>
/// <param name="Rows">Data records (the header excluded).</param>
internal sealed record CsvSchema(string Path, bool HasHeader, IReadOnlyList<InferredColumn> Columns, int Rows)
{
    /// <summary>The file name, as messages name it.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>The column called <paramref name="name"/> (exact match); otherwise a bad-input error that lists the columns.</summary>
    /// <param name="name">The column.</param>
    /// <param name="option">The option that named it, for the message.</param>
    public InferredColumn Column(string name, string option)
        => Columns.FirstOrDefault(c => c.Name == name)
           ?? throw CliException.BadInput($"{option} {name}: column '{name}' not in {FileName}; columns are: {ColumnList()}" +
               (Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)) is { } near ? $" (did you mean '{near.Name}'?)" : "") +
               (HasHeader ? "." : $" ({FileName} has no header row, so its columns are named by position)."));

    /// <summary>The column names, comma-separated (the first 40, then a count).</summary>
    public string ColumnList()
        => string.Join(", ", Columns.Take(40).Select(c => c.Name)) + (Columns.Count > 40 ? $", ... ({Columns.Count} in all)" : "");
}
