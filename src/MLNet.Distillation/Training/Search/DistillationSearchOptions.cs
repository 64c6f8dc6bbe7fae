namespace MLNet.Distillation;

/// <summary>
/// What <c>mlContext.Distillation.SearchTemperatureAndAlpha</c> tries: every pair of <see cref="Temperatures"/> and
/// <see cref="Alphas"/> (or a seeded random <see cref="MaximumTrials"/> of them), each a student trained on the same
/// training part of the data and scored on the same held-out part, plus the student from labels alone.
/// </summary>
public sealed class DistillationSearchOptions
{
    /// <summary>Softening temperatures to try, each in (0, 100]. Default 1, 2, 4, 8.</summary>
    public float[] Temperatures { get; set; } = [1f, 2f, 4f, 8f];

    /// <summary>Weights of the hard-label term to try (the soft-target term gets 1 − alpha). Default 0.1, 0.5, 0.9.</summary>
    public float[] Alphas { get; set; } = [0.1f, 0.5f, 0.9f];

    /// <summary>
    /// Whole loss recipes to try besides the grid (for instance <c>ce + kd</c> against <c>ce + dkd</c>, or with and without a
    /// <c>hint</c> term), each trained once with the options' other settings: the recipe search. Each entry is a recipe as
    /// <see cref="DistillationTrainerOptions.Losses"/> takes it (its terms carry their own temperatures). Null or empty: the
    /// grid alone. With recipes, <see cref="Temperatures"/> and <see cref="Alphas"/> may be empty to try the recipes alone.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<LossTerm>>? Recipes { get; set; }

    /// <summary>
    /// The most distilled students to train, or null for the whole grid. When the grid is larger, a seeded random subset
    /// of this size is tried; the student from labels alone is always trained besides.
    /// </summary>
    public int? MaximumTrials { get; set; }

    /// <summary>Share of the rows held out to score the students (split once, by <see cref="Seed"/>). Default 0.2.</summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Seed of the split and of the random subset. Default 0.</summary>
    public int Seed { get; set; }

    internal void Validate()
    {
        bool recipes = Recipes is { Count: > 0 };
        if (Recipes is not null && Recipes.Any(r => r is null || r.Count == 0 || r.Any(t => t is null)))
            throw new ArgumentOutOfRangeException(nameof(Recipes), "DistillationSearchOptions.Recipes must hold recipes of at least one term each.");
        if (Temperatures is null || (Temperatures.Length == 0 && !recipes) || Temperatures.Any(t => !Defaults.IsValidTemperature(t)))
            throw new ArgumentOutOfRangeException(nameof(Temperatures), $"DistillationSearchOptions.Temperatures must list at least one temperature, each in {Defaults.TemperatureRange} " +
                $"(or be empty, with Recipes to try), not [{string.Join(", ", Temperatures ?? [])}].");
        if (Alphas is null || (Alphas.Length == 0 && !recipes) || Alphas.Any(a => !(a >= 0 && a < 1)))
            throw new ArgumentOutOfRangeException(nameof(Alphas), "DistillationSearchOptions.Alphas must list at least one weight in [0, 1) (alpha = 1 is the student from labels alone, which is always trained), or be empty, with Recipes to try.");
        if (MaximumTrials is <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaximumTrials), $"DistillationSearchOptions.MaximumTrials must be positive or null, not {MaximumTrials}.");
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), $"DistillationSearchOptions.ValidationFraction must be in (0, 1), not {ValidationFraction}.");
    }
}
