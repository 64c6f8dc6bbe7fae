namespace MLNet.Distillation;

/// <summary>
/// Some rows of a <see cref="TrainingTable"/>, by index: the training rows and the validation rows of one table are two
/// views of it, not two copies.
/// </summary>
internal sealed record TableRows(TrainingTable Table, int[] Rows)
{
    /// <summary>Every row of <paramref name="table"/>.</summary>
    public static TableRows All(TrainingTable table) => new(table, table.AllRows());

    public int Count => Rows.Length;

    /// <summary>Rows in this view without a label.</summary>
    public long UnlabelledCount()
    {
        if (Table.UnlabelledRows == 0)
            return 0;
        var labels = Table.Labels.AsSpan();
        long unlabelled = 0;
        foreach (int r in Rows)
            if (float.IsNaN(labels[r])) unlabelled++;
        return unlabelled;
    }
}
