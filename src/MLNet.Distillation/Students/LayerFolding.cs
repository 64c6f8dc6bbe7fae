namespace MLNet.Distillation;

/// <summary>
/// Moves the standardisation the network was trained with into its exported layers, so the deployed student reads raw
/// features and writes predictions in the label's units at no extra cost:
/// <list type="bullet">
/// <item>inputs: a first Dense layer absorbs <c>(x − μ)/σ</c> (<c>W' = W/σ</c>, <c>b' = b − W·μ/σ</c>); any other first layer
/// gets an explicit <see cref="StandardizeLayer"/> before it;</item>
/// <item>outputs: the last Dense layer absorbs <c>y = z·σ_y + μ_y</c> (<c>W' = σ_y·W</c>, <c>b' = σ_y·b + μ_y</c>); any other
/// last layer gets an explicit <see cref="AffineLayer"/> after it.</item>
/// </list>
/// Folding is done in double precision and rounded to float once.
/// </summary>
internal static class LayerFolding
{
    public static IReadOnlyList<StudentLayer> Fold(IReadOnlyList<StudentLayer> layers, ColumnStandardization? inputs, ColumnStandardization? target)
    {
        var result = layers.ToList();
        if (inputs is not null)
        {
            if (result[0] is DenseLayer first && first.Inputs == inputs.Columns)
                result[0] = FoldInputs(first, inputs);
            else if (result[0] is SparseInputLayer sparse && sparse.Inputs == inputs.Columns)
                result[0] = ScaleInputs(sparse, inputs);
            else
                result.Insert(0, AsLayer(inputs));
        }
        if (target is not null)
        {
            if (target.Columns != 1)
                throw new InvalidOperationException("Only a network with one output per row can carry a target scaling.");
            double scale = target.Std[0], shift = target.Mean[0];
            if (result[^1] is DenseLayer { Outputs: 1 } last)
                result[^1] = last with
                {
                    Weight = last.Weight.Select(w => (float)(w * scale)).ToArray(),
                    Bias = last.Bias.Select(b => (float)(b * scale + shift)).ToArray(),
                };
            else
                // A custom student may end with an activation or a pooling layer: the scaling becomes a layer of its own.
                result.Add(new AffineLayer([(float)scale], [(float)shift]));
        }
        return result;
    }

    /// <summary>
    /// The input standardisation <see cref="Fold"/> moves into the first dense layer, or null when it adds a layer
    /// instead (or there is none).
    /// </summary>
    public static StandardizeLayer? FoldedInputs(IReadOnlyList<StudentLayer> layers, ColumnStandardization? inputs)
        => inputs is not null && layers.Count > 0 && layers[0] is DenseLayer first && first.Inputs == inputs.Columns ? AsLayer(inputs) : null;

    /// <summary>
    /// Takes a folded input standardisation out of the first dense layer again: <c>W = W'·σ</c>, <c>b = b' + W'·μ</c> (in
    /// double, rounded once), returned as [standardisation, dense, …]. The network computes the same function.
    /// </summary>
    public static List<StudentLayer> Unfold(IReadOnlyList<StudentLayer> layers, StandardizeLayer inputs)
    {
        if (layers.Count == 0 || layers[0] is not DenseLayer first || first.Inputs != inputs.Mean.Length)
            throw new InvalidOperationException("The folded input standardisation does not match the student's first layer.");
        return [inputs, UnfoldInputs(first, Array.ConvertAll(inputs.Mean, m => (double)m), Array.ConvertAll(inputs.InverseStd, v => 1.0 / v)),
            .. layers.Skip(1)];
    }

    /// <summary>
    /// The inverse of the input fold, for one dense layer: <c>W = W'·σ</c>, <c>b = b' + W'·μ</c>, in double and rounded to
    /// float once (pruning and quantization both start from the unfolded weights).
    /// </summary>
    public static DenseLayer UnfoldInputs(DenseLayer dense, double[] mean, double[] std)
    {
        var weight = new float[dense.Weight.Length];
        var bias = new float[dense.Outputs];
        for (int o = 0; o < dense.Outputs; o++)
        {
            double shift = dense.Bias[o];
            for (int i = 0; i < dense.Inputs; i++)
            {
                double w = dense.Weight[o * dense.Inputs + i];
                weight[o * dense.Inputs + i] = (float)(w * std[i]);
                shift += w * mean[i];
            }
            bias[o] = (float)shift;
        }
        return dense with { Weight = weight, Bias = bias };
    }

    /// <summary>
    /// A sparse first layer absorbs a scaling without centring (sparse features are never centred): row i of the table is
    /// divided by σ_i. With averaged values (fastText) the scaling would change the weights of the average, which no row
    /// scaling reproduces, so it is refused (<see cref="FastTextStudent"/> does not standardise).
    /// </summary>
    private static SparseInputLayer ScaleInputs(SparseInputLayer sparse, ColumnStandardization inputs)
    {
        if (inputs.Mean.Any(m => m != 0) || sparse.AverageValues)
            throw new InvalidOperationException("A sparse first layer can absorb a scaling of its inputs only, without centring and without averaging.");
        var weight = new float[sparse.Weight.Length];
        for (int i = 0; i < sparse.Inputs; i++)
            for (int o = 0; o < sparse.Outputs; o++)
                weight[i * sparse.Outputs + o] = (float)(sparse.Weight[i * sparse.Outputs + o] / inputs.Std[i]);
        return sparse with { Weight = weight };
    }

    private static StandardizeLayer AsLayer(ColumnStandardization inputs)
        => new(inputs.Mean.Select(m => (float)m).ToArray(), inputs.Std.Select(s => (float)(1 / s)).ToArray());

    private static DenseLayer FoldInputs(DenseLayer dense, ColumnStandardization inputs)
    {
        var weight = new float[dense.Weight.Length];
        var bias = new float[dense.Outputs];
        for (int o = 0; o < dense.Outputs; o++)
        {
            double shift = dense.Bias[o];
            for (int i = 0; i < dense.Inputs; i++)
            {
                double w = dense.Weight[o * dense.Inputs + i] / inputs.Std[i];
                weight[o * dense.Inputs + i] = (float)w;
                shift -= w * inputs.Mean[i];
            }
            bias[o] = (float)shift;
        }
        return dense with { Weight = weight, Bias = bias };
    }
}
