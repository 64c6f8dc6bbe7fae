namespace MLNet.Distillation.Cli;

/// <summary>What a column of a CSV file holds, as <see cref="CsvColumnInference"/> infers it from the values.</summary>
internal enum ColumnKind
{
    /// <summary>Every non-empty value parses as a float (invariant culture): loaded as Single, missing values as NaN.</summary>
    Numeric,

    /// <summary>Every non-empty value is <c>true</c> or <c>false</c> (any case): loaded as Boolean.</summary>
    Boolean,

    /// <summary>Text with few distinct values (see <see cref="CsvColumnInference.IsCategorical"/>): one-hot encoded.</summary>
    Categorical,

    /// <summary>Free text: featurised with ML.NET's FeaturizeText (word and character n-grams).</summary>
    Text,
}
