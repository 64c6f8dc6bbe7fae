namespace MLNet.Distillation;

/// <summary>One student of a search: its settings, its score on the held-out rows, and the student itself.</summary>
/// <param name="Temperature">The softening temperature, or null for the student from labels alone.</param>
/// <param name="Alpha">The weight of the hard-label term (1 for the student from labels alone).</param>
/// <param name="Metric">What <paramref name="Score"/> is: micro accuracy (multiclass), AUC (binary) or R² (regression); higher is better.</param>
/// <param name="Score">The student's metric on the held-out rows.</param>
/// <param name="Student">The student, trained on the training part of the data.</param>
public sealed record DistillationTrial(float? Temperature, float Alpha, string Metric, double Score, StudentTransformer Student)
{
    /// <summary>Whether this is the student from labels alone (no teacher).</summary>
    public bool FromLabelsAlone => Temperature is null;

    /// <summary>
    /// The loss recipe, as written in logs (<c>1·ce + 1·dkd</c>), when the trial is one of the search's
    /// <see cref="DistillationSearchOptions.Recipes"/>; null for the grid's trials (<see cref="Temperature"/> and
    /// <see cref="Alpha"/> weight the default recipe) and the student from labels alone.
    /// </summary>
    public string? Recipe { get; init; }

    /// <inheritdoc/>
    public override string ToString() => FromLabelsAlone
        ? $"from labels alone: {Metric} {Score:0.0000}"
        : Recipe is not null ? $"{Recipe}: {Metric} {Score:0.0000}"
        : $"T={Temperature:0.##} alpha={Alpha:0.##}: {Metric} {Score:0.0000}";
}

/// <summary>The outcome of a temperature, alpha (and recipe) search: every trial, best first.</summary>
/// <param name="Trials">Every student trained, ranked by score on the held-out rows (best first; ties keep the trial order).</param>
public sealed record DistillationSearchResult(IReadOnlyList<DistillationTrial> Trials)
{
    /// <summary>The best trial (which may be the student from labels alone: then distillation did not help on this data).</summary>
    public DistillationTrial Best => Trials[0];

    /// <summary>The student from labels alone, the baseline every distilled student should beat.</summary>
    public DistillationTrial FromLabelsAlone => Trials.First(t => t.FromLabelsAlone);
}
