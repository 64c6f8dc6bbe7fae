using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Training;

/// <summary>
/// The training data copied once per Fit into contiguous arrays (row-major), the layout tensors are made from.
/// One sequential pass reads every column, so a teacher column is scored exactly once per Fit.
/// </summary>
internal sealed class TrainingTable
{
    public required int RowCount { get; init; }
    public required int FeatureCount { get; init; }
    public required int ClassCount { get; init; }
    public required float[] Features { get; init; }
    /// <summary>0-based class indices (−1 for a row kept without label), or null when there is no label column.</summary>
    public required long[]? Labels { get; init; }
    /// <summary>Teacher logits [RowCount, ClassCount], or null without a teacher column.</summary>
    public required float[]? TeacherLogits { get; init; }
    /// <summary>Rows left out because their label was missing and there is no teacher to learn them from.</summary>
    public required long SkippedRows { get; init; }
    /// <summary>Rows kept without label: with a teacher column they teach through the soft-target terms only.</summary>
    public required long UnlabelledRows { get; init; }

    public static TrainingTable Load(IDataView data, DataViewSchema.Column features, DataViewSchema.Column? label,
        DataViewSchema.Column? teacher, int featureCount, int classCount)
    {
        var columns = new List<DataViewSchema.Column> { features };
        if (label is { } l) columns.Add(l);
        if (teacher is { } t) columns.Add(t);

        // With a known row count the buffers are allocated once at their final size and handed over without copying.
        long expected = data.GetRowCount() ?? 1024;
        var featureBuffer = new Growable<float>((int)Math.Min(expected * featureCount, Array.MaxLength));
        var labelBuffer = label is null ? null : new Growable<long>((int)Math.Min(expected, Array.MaxLength));
        var teacherBuffer = teacher is null ? null : new Growable<float>((int)Math.Min(expected * classCount, Array.MaxLength));

        using var cursor = data.GetRowCursor(columns);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = label is { } lc ? cursor.GetGetter<uint>(lc) : null;
        var getTeacher = teacher is { } tc ? cursor.GetGetter<VBuffer<float>>(tc) : null;
        VBuffer<float> row = default, logits = default;
        uint key = 0;
        long rowIndex = -1, skipped = 0, unlabelled = 0;
        int rows = 0;
        while (cursor.MoveNext())
        {
            rowIndex++;
            if (getLabel is not null)
            {
                getLabel(ref key);
                if (key == 0 && teacher is null) // ML.NET's missing key: like ML.NET's trainers, leave the row out
                {
                    skipped++;
                    continue;
                }
                if (key == 0)
                    unlabelled++; // a transfer-set row: the teacher's logits are its only target
                labelBuffer!.Add((long)key - 1);
            }
            getFeatures(ref row);
            var span = featureBuffer.AddSpan(featureCount);
            row.CopyTo(span);
            CheckFinite(span, features.Name, rowIndex);
            if (getTeacher is not null)
            {
                getTeacher(ref logits);
                var teacherSpan = teacherBuffer!.AddSpan(classCount);
                logits.CopyTo(teacherSpan);
                CheckFinite(teacherSpan, teacher!.Value.Name, rowIndex);
            }
            rows++;
        }
        return new TrainingTable
        {
            RowCount = rows,
            FeatureCount = featureCount,
            ClassCount = classCount,
            Features = featureBuffer.ToArray(),
            Labels = labelBuffer?.ToArray(),
            TeacherLogits = teacherBuffer?.ToArray(),
            SkippedRows = skipped,
            UnlabelledRows = unlabelled,
        };
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public TrainingTable Subset(IReadOnlyList<int> indices)
    {
        var features = new float[indices.Count * FeatureCount];
        var labels = Labels is null ? null : new long[indices.Count];
        var teacher = TeacherLogits is null ? null : new float[indices.Count * ClassCount];
        for (int i = 0; i < indices.Count; i++)
        {
            int r = indices[i];
            Array.Copy(Features, (long)r * FeatureCount, features, (long)i * FeatureCount, FeatureCount);
            if (labels is not null) labels[i] = Labels![r];
            if (teacher is not null) Array.Copy(TeacherLogits!, (long)r * ClassCount, teacher, (long)i * ClassCount, ClassCount);
        }
        return new TrainingTable
        {
            RowCount = indices.Count, FeatureCount = FeatureCount, ClassCount = ClassCount,
            Features = features, Labels = labels, TeacherLogits = teacher, SkippedRows = 0,
            UnlabelledRows = labels?.LongCount(l => l < 0) ?? 0,
        };
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
