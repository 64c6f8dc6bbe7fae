namespace MLNet.Distillation;

/// <summary>Settings of <c>mlContext.Distillation.Munge</c>: which columns to read and how pseudo-rows are drawn.</summary>
public sealed class MungeOptions
{
    /// <summary>
    /// The numeric feature vector the pseudo-rows vary (featurise first: one-hot categories, filled missing values).
    /// Default <c>Features</c>.
    /// </summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>The label, kept on the real rows and missing on the pseudo-rows. Default <c>Label</c>.</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>Pseudo-rows per real row (each a full MUNGE pass over the data). Default 2.</summary>
    public int Multiplier { get; set; } = 2;

    /// <summary>Probability p that an attribute is swapped with (or drawn around) the nearest neighbour's. Default 0.5.</summary>
    public double SwapProbability { get; set; } = 0.5;

    /// <summary>
    /// The local spread s: a continuous attribute is drawn from a normal distribution around the neighbour's value with
    /// standard deviation |a − b| / s. Default 1.
    /// </summary>
    public double Spread { get; set; } = 1;

    /// <summary>
    /// The most real rows accepted: the nearest-neighbour search compares every pair of rows (about N² · features
    /// multiply-adds). Default 100,000; sample the data first for more.
    /// </summary>
    public int MaximumRows { get; set; } = 100_000;

    /// <summary>Seed of the draws. The same data and seed give the same pseudo-rows. Default 0.</summary>
    public int Seed { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrEmpty(FeatureColumnName)) throw new ArgumentException("MungeOptions.FeatureColumnName must name a column.");
        if (string.IsNullOrEmpty(LabelColumnName)) throw new ArgumentException("MungeOptions.LabelColumnName must name a column.");
        if (Multiplier < 1) throw new ArgumentOutOfRangeException(nameof(Multiplier),
            $"MungeOptions.Multiplier must be at least 1, not {Multiplier}.");
        if (!(SwapProbability > 0 && SwapProbability <= 1)) throw new ArgumentOutOfRangeException(nameof(SwapProbability), $"MungeOptions.SwapProbability must be in (0, 1], not {SwapProbability}.");
        if (!(Spread > 0) || double.IsInfinity(Spread)) throw new ArgumentOutOfRangeException(nameof(Spread), $"MungeOptions.Spread must be positive and finite, not {Spread}.");
        if (MaximumRows < 2) throw new ArgumentOutOfRangeException(nameof(MaximumRows), $"MungeOptions.MaximumRows must be at least 2, not {MaximumRows}.");
    }
}
