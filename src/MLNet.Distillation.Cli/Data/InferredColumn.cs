namespace MLNet.Distillation.Cli;

/// <summary>One column of a CSV file with what its values showed.</summary>
/// <param name="Name">The header's name for it (<c>col0</c>, <c>col1</c>, ... in a file without a header, as Model Builder names them).</param>
/// <param name="Index">Its position in the file, from 0.</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Missing">Empty (or <c>NA</c>, <c>NaN</c>, <c>?</c>, <c>null</c>) values.</param>
/// <param name="Distinct">Its distinct non-empty values, in order of first appearance; counted up to
/// <see cref="CsvColumnInference.DistinctLimit"/> (then <see cref="ManyDistinct"/> is true).</param>
/// <param name="ManyDistinct">More distinct values than were kept.</param>
/// <param name="AllIntegers">Every non-empty value is a whole number (for a numeric column).</param>
internal sealed record InferredColumn(string Name, int Index, ColumnKind Kind, int Missing, IReadOnlyList<string> Distinct, bool ManyDistinct,
    bool AllIntegers)
{
    /// <summary>Every value is missing: the column carries nothing and is left out.</summary>
    public bool IsEmpty => Distinct.Count == 0;

    /// <summary>The kind in words, for the console.</summary>
    public string Describe() => Kind switch
    {
        ColumnKind.Numeric => Missing > 0 ? $"numeric, {Missing} missing" : "numeric",
        ColumnKind.Boolean => "Boolean",
        ColumnKind.Categorical => $"categorical, {Distinct.Count} values",
        _ => "text",
    };
}
