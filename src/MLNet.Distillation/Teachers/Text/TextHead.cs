using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MLNet.Distillation;

/// <summary>
/// A linear map from a text encoder's vectors to a teacher's outputs: logits = W · e + b, one row of W per output (one
/// logit for a binary head, one per class, one prediction for regression). Fitted once, on in-memory embeddings of the
/// labelled rows, deterministically: ML.NET's L-BFGS trainers on one thread (logistic and softmax regression), and a
/// closed-form ridge solution for regression.
/// </summary>
internal sealed class TextHead
{
    /// <param name="task">What the head predicts.</param>
    /// <param name="weights">W, row-major: <paramref name="bias"/>.Length rows of the embedding size.</param>
    /// <param name="bias">b, one per output.</param>
    /// <param name="classNames">The label's class names in output order (multiclass), else null.</param>
    public TextHead(DistillationTask task, float[] weights, float[] bias, string[]? classNames)
    {
        Task = task;
        Weights = weights;
        Bias = bias;
        ClassNames = classNames;
    }

    public DistillationTask Task { get; }

    public float[] Weights { get; }

    public float[] Bias { get; }

    public string[]? ClassNames { get; }

    /// <summary>Outputs per row.</summary>
    public int Outputs => Bias.Length;

    /// <summary>Writes W · embedding + b into <paramref name="target"/>.</summary>
    public void Apply(ReadOnlySpan<float> embedding, Span<float> target)
    {
        int size = embedding.Length;
        for (int k = 0; k < Bias.Length; k++)
        {
            double sum = Bias[k];
            var row = Weights.AsSpan(k * size, size);
            for (int d = 0; d < size; d++)
                sum += (double)row[d] * embedding[d];
            target[k] = (float)sum;
        }
    }

    /// <summary>A digest of the head: its task, weights, bias and class names.</summary>
    public string Fingerprint() => Teacher.Digest("text-head", Task, Bytes(Weights), Bytes(Bias), string.Join("\n", ClassNames ?? []));

    private static byte[] Bytes(float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>
    /// The task a label column asks for, read as the distillation trainers read labels: Boolean binary, a key multiclass,
    /// Single regression; throws naming the column and its type otherwise.
    /// </summary>
    public static TrainingTask TaskFor(DataViewSchema.Column label)
    {
        var view = ColumnView.From(label);
        if (view.IsScalar && !view.IsKey && view.RawItemType == typeof(bool))
            return BinaryTask.Instance;
        if (view.IsScalar && !view.IsKey && view.RawItemType == typeof(float))
            return RegressionTask.Instance;
        if (view.IsScalar && view.IsKey)
        {
            MulticlassTask.Instance.CheckLabel(view);
            return MulticlassTask.Instance;
        }
        throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label.Name}' is {view.TypeDescription}; a text teacher's head is fitted to a Boolean label " +
            "(binary), a key label (multiclass: map text classes with MapValueToKey) or a Single label (regression).");
    }

    /// <summary>Fits the head to <paramref name="labels"/> (class index, 0/1, or value per row) from the rows' <paramref name="embeddings"/>.</summary>
    /// <param name="mlContext">The context the ML.NET trainers run in.</param>
    /// <param name="task">Binary, multiclass or regression.</param>
    /// <param name="embeddings">Row-major, <paramref name="size"/> values per row.</param>
    /// <param name="size">The embedding size.</param>
    /// <param name="labels">One label per row, as the task's label reader gives it.</param>
    /// <param name="classCount">The label's number of classes (multiclass).</param>
    /// <param name="classNames">The label's class names (multiclass), or null.</param>
    /// <param name="l2">L2 weight λ on ½‖w‖², against the loss summed over rows.</param>
    public static TextHead Fit(MLContext mlContext, TrainingTask task, float[] embeddings, int size, float[] labels, int classCount, string[]? classNames, float l2)
    {
        int rows = labels.Length;
        switch (task.Kind)
        {
            case DistillationTask.BinaryClassification:
            {
                var data = InMemory(mlContext, embeddings, size, Enumerable.Range(0, rows).Select(r => new BinaryRow { Label = labels[r] == 1 }));
                // One thread: L-BFGS sums its gradient over rows, and chunks summed in another order give other weights.
                var model = mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    L2Regularization = l2, L1Regularization = 0, NumberOfThreads = 1,
                }).Fit(data).Model.SubModel;
                return new TextHead(task.Kind, model.Weights.ToArray(), [model.Bias], null);
            }
            case DistillationTask.MulticlassClassification:
            {
                // The class index becomes a key through MapValueToKey over every index 0..K−1 in order, so class k is key k + 1
                // (and the softmax has K outputs) even when a class has no labelled row.
                var indices = InMemory(mlContext, embeddings, size, Enumerable.Range(0, rows).Select(r => new ClassRow { Class = (uint)labels[r] }));
                var allClasses = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, classCount).Select(k => new ClassIndex { Class = (uint)k }));
                var data = mlContext.Transforms.Conversion.MapValueToKey(DefaultColumnNames.Label, nameof(ClassRow.Class),
                    keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue, keyData: allClasses).Fit(indices).Transform(indices);
                var model = mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    L2Regularization = l2, L1Regularization = 0, NumberOfThreads = 1,
                }).Fit(data).Model;
                VBuffer<float>[] weights = [];
                model.GetWeights(ref weights, out int classes);
                float[] biases = [.. model.GetBiases()];
                if (classes != classCount)
                    throw new InvalidOperationException($"The softmax head has {classes} classes, but the label has {classCount}.");
                var w = new float[classes * size];
                for (int k = 0; k < classes; k++)
                    weights[k].CopyTo(w.AsSpan(k * size, size));
                return new TextHead(task.Kind, w, biases, classNames);
            }
            default:
                return Ridge(embeddings, size, labels, l2);
        }
    }

    /// <summary>
    /// Least squares with an unpenalised intercept: minimises Σ ½(y − w·e − b)² + λ/2 · ‖w‖², solved in closed form on
    /// centred data, (XᵀX + λI) w = Xᵀy, by Cholesky in double precision; b = ȳ − w·ē.
    /// </summary>
    private static TextHead Ridge(float[] embeddings, int size, float[] labels, float l2)
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
        return new TextHead(DistillationTask.Regression, w.Select(v => (float)v).ToArray(), [(float)bias], null);
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

    /// <summary>The rows as an ML.NET data view with a known-size <c>Features</c> vector.</summary>
    private static IDataView InMemory<TRow>(MLContext mlContext, float[] embeddings, int size, IEnumerable<TRow> rows) where TRow : LabelledRow
    {
        var schema = SchemaDefinition.Create(typeof(TRow));
        schema[nameof(LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        int index = 0;
        var filled = rows.Select(row =>
        {
            row.Features = embeddings.AsSpan(index++ * size, size).ToArray();
            return row;
        }).ToList();
        return mlContext.Data.LoadFromEnumerable(filled, schema);
    }

    private abstract class LabelledRow
    {
        public float[] Features = [];
    }

    private sealed class BinaryRow : LabelledRow
    {
        public bool Label;
    }

    private sealed class ClassRow : LabelledRow
    {
        public uint Class;
    }

    private sealed class ClassIndex
    {
        public uint Class;
    }
}
