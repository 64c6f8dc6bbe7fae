namespace MLNet.Distillation.Losses;

/// <summary>
/// A built loss term and its weight in the total, with the student layer and the teacher column it reads when the recipe
/// entry names them (null: the student's outputs, the trainer's teacher column).
/// </summary>
internal sealed record WeightedLoss(IDistillationLoss Loss, float Weight, string? StudentLayer = null, string? TeacherColumn = null)
{
    /// <summary>Whether the term reads the trainer's own teacher column.</summary>
    public bool ReadsTeacherColumn => Loss.NeedsTeacher && TeacherColumn is null;

    /// <summary>The term as written in logs: <c>0.9·kd</c>, <c>1·hint[hidden1→TeacherHidden]</c>.</summary>
    public override string ToString()
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Weight:0.###}·{Loss.Name}")
            + LossTerm.DescribeTarget(StudentLayer, TeacherColumn);
}

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
            throw new ArgumentOutOfRangeException(nameof(options),
                "Options.Losses is empty; give at least one term, or null for the default recipe.");

        var losses = new List<WeightedLoss>();
        foreach (var term in terms)
        {
            var loss = LossRegistry.Create(term, task.Kind, options.Temperature);
            if ((term.StudentLayer is not null || term.TeacherColumn is not null) && loss is not IFeatureDistillationLoss)
                throw new ArgumentOutOfRangeException(nameof(options), $"Loss term '{term.Name}' compares the student's outputs, so it takes no " +
                    $"StudentLayer or TeacherColumn ({term}). Terms that compare representations take them: {LossNames.Hint}, " +
                    $"{LossNames.RelationDistance}, {LossNames.RelationAngle}, {LossNames.SimilarityPreserving}.");
            if (term.StudentLayer is { Length: 0 } || term.TeacherColumn is { Length: 0 })
                throw new ArgumentOutOfRangeException(nameof(options), $"Loss term '{term.Name}' has an empty StudentLayer or TeacherColumn; name one, or leave it null.");
            if (loss.NeedsTeacher && !hasTeacher && term.TeacherColumn is null)
                throw new ArgumentOutOfRangeException(nameof(options), $"Loss term '{term.Name}' needs the teacher's outputs, but Options.TeacherColumnName is null. " +
                    "Set it to the column TeacherScore writes, or drop the term to train from labels alone.");
            if (term.Weight > 0)
                losses.Add(new WeightedLoss(loss, term.Weight, term.StudentLayer, term.TeacherColumn));
        }
        if (losses.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(options), "Every loss term has weight 0; at least one must weigh more.");
        return losses;
    }

    /// <summary>Whether some term reads the trainer's teacher column (only then is it required and read).</summary>
    public static bool NeedsTeacher(IReadOnlyList<WeightedLoss> losses) => losses.Any(l => l.ReadsTeacherColumn);

    /// <summary>The other teacher columns the terms read (<see cref="LossTerm.TeacherColumn"/>), each once, in recipe order.</summary>
    public static IReadOnlyList<string> ExtraTeacherColumns(IReadOnlyList<WeightedLoss> losses)
        => losses.Where(l => l.Loss.NeedsTeacher && l.TeacherColumn is not null).Select(l => l.TeacherColumn!).Distinct(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Whether rows without a label can teach something: some term does not need labels.</summary>
    public static bool LearnsFromUnlabelledRows(IReadOnlyList<WeightedLoss> losses) => losses.Any(l => !l.Loss.NeedsLabels);

    /// <summary>Whether some term needs labels (then there must be labelled rows).</summary>
    public static bool NeedsLabels(IReadOnlyList<WeightedLoss> losses) => losses.Any(l => l.Loss.NeedsLabels);

    /// <summary>The recipe as written in logs: <c>0.1·ce + 0.9·kd</c>.</summary>
    public static string Describe(IReadOnlyList<WeightedLoss> losses)
        => string.Join(" + ", losses.Select(l => l.ToString()));
}
