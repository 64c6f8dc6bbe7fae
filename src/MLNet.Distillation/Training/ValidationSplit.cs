namespace MLNet.Distillation;

/// <summary>Holds out a seeded share of the labelled rows for validation (rows without a label cannot be measured on).</summary>
internal static class ValidationSplit
{
    public static (TrainingTable Train, TrainingTable Validation) Split(TrainingTable table, float fraction, int seed)
    {
        var labelled = Enumerable.Range(0, table.RowCount).Where(i => !float.IsNaN(table.Labels[i])).ToArray();
        new Random(unchecked(seed * 31 + 7)).Shuffle(labelled);
        int validationRows = Math.Max(1, (int)Math.Round(labelled.Length * fraction));
        if (validationRows >= labelled.Length)
            throw new ArgumentOutOfRangeException(nameof(fraction), $"Options.ValidationFraction {fraction} leaves no labelled training rows out of {labelled.Length}.");
        var validation = labelled[..validationRows];
        var held = validation.ToHashSet();
        return (table.Subset(Enumerable.Range(0, table.RowCount).Where(i => !held.Contains(i)).ToArray()), table.Subset(validation));
    }
}
