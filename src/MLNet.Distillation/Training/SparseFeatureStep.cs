namespace MLNet.Distillation;

/// <summary>
/// How AdamW scales the steps of a sparse first layer's weight table (one row of weights per slot of a wide sparse
/// vector, such as <c>FeaturizeText</c>'s n-grams): see <see cref="DistillationTrainerOptions.SparseFeatureStep"/>.
/// </summary>
public enum SparseFeatureStep
{
    /// <summary>
    /// AdamW as everywhere else: each weight's step is divided by the root of its own running mean squared gradient, so a
    /// weight of an n-gram seen in a handful of rows moves as far per step as one of an n-gram in every row.
    /// </summary>
    PerWeight,

    /// <summary>
    /// One running mean squared gradient for the whole table: every weight's step is its momentum divided by the table's
    /// root mean squared gradient, so steps keep the gradient's proportions (an n-gram common to many rows moves further
    /// than a rare one), with AdamW's invariance to the scale of the loss and the features.
    /// </summary>
    TableWide,
}
