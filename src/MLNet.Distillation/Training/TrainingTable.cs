using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// The training data copied once per Fit into contiguous arrays (row-major), the layout tensors are made from.
/// One sequential pass reads every column, so a teacher column is scored exactly once per Fit.
/// </summary>
internal sealed class TrainingTable
{
    public required int RowCount { get; init; }
    public required int FeatureCount { get; init; }
    /// <summary>Teacher outputs per row (the student's outputs per row).</summary>
    public required int OutputCount { get; init; }
    public required float[] Features { get; init; }
    /// <summary>The label per row as the task reads it (0-based class index or value); NaN for a row kept without label.</summary>
    public required float[] Labels { get; init; }
    /// <summary>Teacher outputs [RowCount, OutputCount], or null without a teacher column.</summary>
    public required float[]? TeacherLogits { get; init; }
    /// <summary>Rows left out because their label was missing and no loss term can learn from them.</summary>
    public required long SkippedRows { get; init; }
    /// <summary>Rows kept without label: they teach through the terms that need no labels (the soft-target terms).</summary>
    public required long UnlabelledRows { get; init; }

    /// <summary>
    /// Reads every row once: features, label (through the task) and, when given, the teacher column. With
    /// <paramref name="keepUnlabelled"/> rows without a label are kept (some loss term learns from them); otherwise they
    /// are left out, as ML.NET's trainers do.
    /// </summary>
    public static TrainingTable Load(IDataView data, TrainingTask task, DataViewSchema.Column features, DataViewSchema.Column label,
        DataViewSchema.Column? teacher, int featureCount, int outputCount, bool keepUnlabelled, Action? checkAlive = null)
    {
        var columns = new List<DataViewSchema.Column> { features, label };
        if (teacher is { } t) columns.Add(t);

        // With a known row count the buffers are allocated once at their final size and handed over without copying.
        long expected = data.GetRowCount() ?? 1024;
        var featureBuffer = new Growable<float>((int)Math.Min(expected * featureCount, Array.MaxLength));
        var labelBuffer = new Growable<float>((int)Math.Min(expected, Array.MaxLength));
        var teacherBuffer = teacher is null ? null : new Growable<float>((int)Math.Min(expected * outputCount, Array.MaxLength));

        using var cursor = data.GetRowCursor(columns);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = task.CreateLabelReader(cursor, label);
        var getTeacher = teacher is { } tc ? cursor.GetGetter<VBuffer<float>>(tc) : null;
        VBuffer<float> row = default, logits = default;
        long rowIndex = -1, skipped = 0, unlabelled = 0;
        int rows = 0;
        while (cursor.MoveNext())
        {
            rowIndex++;
            if ((rowIndex & 1023) == 0)
                checkAlive?.Invoke();
            float y = getLabel();
            if (float.IsNaN(y))
            {
                if (!keepUnlabelled) // like ML.NET's trainers, leave the row out
                {
                    skipped++;
                    continue;
                }
                unlabelled++; // a transfer-set row: the teacher's outputs are its only target
            }
            labelBuffer.Add(y);
            getFeatures(ref row);
            CheckLength(row.Length, featureCount, features.Name, rowIndex);
            var span = featureBuffer.AddSpan(featureCount);
            row.CopyTo(span);
            CheckFinite(span, features.Name, rowIndex);
            if (getTeacher is not null)
            {
                getTeacher(ref logits);
                CheckLength(logits.Length, outputCount, teacher!.Value.Name, rowIndex);
                var teacherSpan = teacherBuffer!.AddSpan(outputCount);
                logits.CopyTo(teacherSpan);
                CheckFinite(teacherSpan, teacher!.Value.Name, rowIndex);
            }
            rows++;
        }
        return new TrainingTable
        {
            RowCount = rows,
            FeatureCount = featureCount,
            OutputCount = outputCount,
            Features = featureBuffer.ToArray(),
            Labels = labelBuffer.ToArray(),
            TeacherLogits = teacherBuffer?.ToArray(),
            SkippedRows = skipped,
            UnlabelledRows = unlabelled,
        };
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public TrainingTable Subset(IReadOnlyList<int> indices)
    {
        var features = new float[indices.Count * FeatureCount];
        var labels = new float[indices.Count];
        var teacher = TeacherLogits is null ? null : new float[indices.Count * OutputCount];
        for (int i = 0; i < indices.Count; i++)
        {
            int r = indices[i];
            Array.Copy(Features, (long)r * FeatureCount, features, (long)i * FeatureCount, FeatureCount);
            labels[i] = Labels[r];
            if (teacher is not null) Array.Copy(TeacherLogits!, (long)r * OutputCount, teacher, (long)i * OutputCount, OutputCount);
        }
        return new TrainingTable
        {
            RowCount = indices.Count, FeatureCount = FeatureCount, OutputCount = OutputCount,
            Features = features, Labels = labels, TeacherLogits = teacher, SkippedRows = 0,
            UnlabelledRows = labels.LongCount(float.IsNaN),
        };
    }

    /// <summary>
    /// A data view that declares a vector size but hands out shorter (or longer) rows would leave part of the buffer
    /// unwritten (uninitialised memory) or spill into the next row: refuse it, naming the row.
    /// </summary>
    private static void CheckLength(int actual, int declared, string column, long row)
    {
        if (actual != declared)
            throw new InvalidOperationException($"Column '{column}' declares {declared} values per row, but row {row} holds {actual}. " +
                "The data source does not keep to its own schema; fix the IDataView (or the code that builds it).");
    }

    private static void CheckFinite(ReadOnlySpan<float> values, string column, long row)
    {
        // x − x is 0 for every finite x and NaN for NaN and ±∞: one vectorised pass finds both.
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var zero = System.Numerics.Vector<float>.Zero;
            int width = System.Numerics.Vector<float>.Count;
            for (; i <= values.Length - width; i += width)
            {
                var v = new System.Numerics.Vector<float>(values.Slice(i, width));
                if (!System.Numerics.Vector.EqualsAll(v - v, zero))
                    break; // find the exact slot below
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new InvalidOperationException($"Column '{column}' holds {values[i]} at row {row}, slot {i}. " +
                    "The student needs finite values: fill missing values first (e.g. mlContext.Transforms.ReplaceMissingValues).");
    }

    /// <summary>An append-only array that doubles when full (List&lt;T&gt; without per-element calls).</summary>
    private sealed class Growable<T>(int capacity)
    {
        // Uninitialised: every element is written before it is read, and zeroing 200 MB of features is measurable.
        private T[] _items = GC.AllocateUninitializedArray<T>(Math.Max(capacity, 1));
        private int _count;

        public void Add(T item) => AddSpan(1)[0] = item;

        public Span<T> AddSpan(int length)
        {
            if (_count + length > _items.Length)
                Array.Resize(ref _items, Math.Max(_items.Length * 2, _count + length + 16));
            var span = _items.AsSpan(_count, length);
            _count += length;
            return span;
        }

        /// <summary>The items; the buffer itself when it is exactly full (the usual case when the row count is known), so no second copy.</summary>
        public T[] ToArray()
        {
            if (_count != _items.Length)
                Array.Resize(ref _items, _count);
            return _items;
        }
    }
}
