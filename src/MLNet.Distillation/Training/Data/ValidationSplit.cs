namespace MLNet.Distillation;

/// <summary>Holds out a seeded share of the labelled rows for validation (rows without a label cannot be measured on).</summary>
internal static class ValidationSplit
{
    /// <summary>The table's rows split into training and validation views (indices into the same table, nothing copied).</summary>
    public static (TableRows Train, TableRows Validation) Split(TrainingTable table, float fraction, int seed)
    {
        var labels = table.Labels.AsSpan();
        var labelled = new List<int>(table.RowCount);
        for (int i = 0; i < table.RowCount; i++)
            if (!float.IsNaN(labels[i])) labelled.Add(i);
        var shuffled = labelled.ToArray();
        new Random(unchecked(seed * 31 + 7)).Shuffle(shuffled);
        int validationRows = Math.Max(1, (int)Math.Round(shuffled.Length * fraction));
        if (validationRows >= shuffled.Length)
            throw new ArgumentOutOfRangeException(nameof(fraction), $"Options.ValidationFraction {fraction} leaves no labelled training rows out of {shuffled.Length}.");
        var validation = shuffled[..validationRows];
        var held = new bool[table.RowCount];
        foreach (int r in validation) held[r] = true;
        var train = new int[table.RowCount - validationRows];
        for (int i = 0, n = 0; i < table.RowCount; i++)
            if (!held[i]) train[n++] = i;
        return (new TableRows(table, train), new TableRows(table, validation));
    }
}
