namespace MLNet.Distillation.Losses;

/// <summary>A built loss term and its weight in the total.</summary>
internal sealed record WeightedLoss(IDistillationLoss Loss, float Weight);

/// <summary>
/// Turns a trainer's options into the terms it runs: the recipe of <see cref="DistillationTrainerOptions.Losses"/>, or the
/// task's default <c>alpha · hard + (1 − alpha) · soft</c>; without a teacher column, the hard-label term alone.
/// Terms of weight 0 are left out, so a recipe whose teacher terms all weigh 0 neither needs nor reads a teacher column.
/// </summary>
internal static class LossRecipe
{
    public static IReadOnlyList<WeightedLoss> Resolve(TrainingTask task, DistillationTrainerOptions options)
    {
        bool hasTeacher = options.TeacherColumnName is not null;
        IReadOnlyList<LossTerm> terms = options.Losses ?? task.DefaultRecipe(options, hasTeacher);
        if (terms.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(options), "Options.Losses is empty; give at least one term, or null for the default recipe.");

        var losses = new List<WeightedLoss>();
        foreach (var term in terms)
        {
            var loss = LossRegistry.Create(term, task.Kind, options.Temperature);
            if (loss.NeedsTeacher && !hasTeacher)
                throw new ArgumentOutOfRangeException(nameof(options), $"Loss term '{term.Name}' needs the teacher's outputs, but Options.TeacherColumnName is null. " +
                    "Set it to the column TeacherScore writes, or drop the term to train from labels alone.");
            if (term.Weight > 0)
                losses.Add(new WeightedLoss(loss, term.Weight));
        }
        if (losses.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(options), "Every loss term has weight 0; at least one must weigh more.");
        return losses;
    }

    /// <summary>Whether some term reads the teacher column (only then is it required and read).</summary>
    public static bool NeedsTeacher(IReadOnlyList<WeightedLoss> losses) => losses.Any(l => l.Loss.NeedsTeacher);

    /// <summary>Whether rows without a label can teach something: some term does not need labels.</summary>
    public static bool LearnsFromUnlabelledRows(IReadOnlyList<WeightedLoss> losses) => losses.Any(l => !l.Loss.NeedsLabels);

    /// <summary>Whether some term needs labels (then there must be labelled rows).</summary>
    public static bool NeedsLabels(IReadOnlyList<WeightedLoss> losses) => losses.Any(l => l.Loss.NeedsLabels);

    /// <summary>The recipe as written in logs: <c>0.1·ce + 0.9·kd</c>.</summary>
    public static string Describe(IReadOnlyList<WeightedLoss> losses)
        => string.Join(" + ", losses.Select(l => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{l.Weight:0.###}·{l.Loss.Name}")));
}
