using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>A regression text head: ridge regression in closed form on a Single label, one prediction per row.</summary>
internal sealed class RegressionTextHeadFitter : TextHeadFitter
{
    public static RegressionTextHeadFitter Instance { get; } = new();

    public override bool TakesLabel(ColumnView label) => label.IsScalar && !label.IsKey && label.RawItemType == typeof(float);

    public override string Name(int outputs) => "least-squares";

    /// <summary>
    /// Least squares with an unpenalised intercept: minimises Σ ½(y − w·e − b)² + λ/2 · ‖w‖², solved in closed form on
    /// centred data, (XᵀX + λI) w = Xᵀy, by Cholesky in double precision; b = ȳ − w·ē.
    /// </summary>
    public override TextHead Fit(MLContext mlContext, float[] embeddings, int size, float[] labels, int classCount, string[]? classNames, float l2)
    {
        int rows = labels.Length;
        var mean = new double[size];
        for (int r = 0; r < rows; r++)
            for (int d = 0; d < size; d++)
                mean[d] += embeddings[r * size + d];
        for (int d = 0; d < size; d++)
            mean[d] /= rows;
        double yMean = labels.Average(v => (double)v);

        var gram = new double[size, size];
        var xty = new double[size];
        var centred = new double[size];
        for (int r = 0; r < rows; r++)
        {
            for (int d = 0; d < size; d++)
                centred[d] = embeddings[r * size + d] - mean[d];
            double y = labels[r] - yMean;
            for (int i = 0; i < size; i++)
            {
                xty[i] += centred[i] * y;
                for (int j = 0; j <= i; j++)
                    gram[i, j] += centred[i] * centred[j];
            }
        }
        // λ = 0 leaves XᵀX singular whenever there are fewer rows than dimensions; a tiny floor keeps Cholesky defined.
        double ridge = Math.Max(l2, 1e-9);
        for (int i = 0; i < size; i++)
            gram[i, i] += ridge;
        var w = CholeskySolve(gram, xty);
        double bias = yMean;
        for (int d = 0; d < size; d++)
            bias -= w[d] * mean[d];
        return new TextHead(RegressionTask.Instance, w.Select(v => (float)v).ToArray(), [(float)bias], null);
    }

    /// <summary>Solves A x = b for symmetric positive-definite A, given by its lower triangle (overwritten with its Cholesky factor).</summary>
    private static double[] CholeskySolve(double[,] a, double[] b)
    {
        int n = b.Length;
        for (int j = 0; j < n; j++)
        {
            double diagonal = a[j, j];
            for (int k = 0; k < j; k++)
                diagonal -= a[j, k] * a[j, k];
            if (!(diagonal > 0))
                throw new InvalidOperationException("The regression head's normal equations are not positive definite; raise L2Regularization.");
            a[j, j] = Math.Sqrt(diagonal);
            for (int i = j + 1; i < n; i++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++)
                    sum -= a[i, k] * a[j, k];
                a[i, j] = sum / a[j, j];
            }
        }
        var x = (double[])b.Clone();
        for (int i = 0; i < n; i++) // L y = b
        {
            for (int k = 0; k < i; k++)
                x[i] -= a[i, k] * x[k];
            x[i] /= a[i, i];
        }
        for (int i = n - 1; i >= 0; i--) // Lᵀ x = y
        {
            for (int k = i + 1; k < n; k++)
                x[i] -= a[k, i] * x[k];
            x[i] /= a[i, i];
        }
        return x;
    }
}
