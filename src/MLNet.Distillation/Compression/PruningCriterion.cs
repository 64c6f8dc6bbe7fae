namespace MLNet.Distillation;

/// <summary>How <c>mlContext.Distillation.Prune</c> ranks the hidden units (or convolution channels) of a layer; the lowest go.</summary>
public enum PruningCriterion
{
    /// <summary>
    /// The unit's expected contribution to the next layer: the mean absolute value of its output over the data (after
    /// ReLU, and pooling for a channel), times the L2 norm of the next layer's weights that read it (for a channel flattened
    /// into a dense layer, summed over its positions). A unit that is rarely active, or whose output the next layer
    /// barely reads, changes the next layer's input least when removed. Needs the data (one forward pass over
    /// <see cref="PruningOptions.ImportanceRows"/> rows). The default.
    /// </summary>
    Activation,

    /// <summary>
    /// The L1 norm of the unit's incoming weights (a dense row, or a convolution filter), bias excluded: Li et al. 2017,
    /// "Pruning Filters for Efficient ConvNets". Reads no data. Blind to how often a unit fires and to the scale of its
    /// inputs: in the first layer of a standardising MLP the weights are in raw feature units, so features of large scale
    /// make their units look unimportant.
    /// </summary>
    WeightMagnitude,
}
