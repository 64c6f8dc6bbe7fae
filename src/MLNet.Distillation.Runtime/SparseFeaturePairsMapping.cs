using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNet.Distillation.Runtime;

/// <summary>
/// Hands a student whose first layer reads sparse rows its input as (slot, value) pairs instead of the dense vector:
/// ML.NET's ONNX stage would densify a 235,000-wide bag of n-grams for every row it scores. The pairs go in fixed-size
/// columns (ML.NET's ONNX stage reads fixed-size vectors only) with room for <c>Capacity</c> pairs and a count; the
/// student's graph reads the first <c>count</c>. A row with more non-zeros than the capacity is refused, naming the
/// column, never truncated. One factory per capacity (powers of two), because a column's size is part of its type; every pair
/// of room costs two copies per scored row, so the capacity is kept close to the longest training row.
/// </summary>
public static class SparseFeaturePairs
{
    /// <summary>The column the mapping reads: a copy of the student's feature column.</summary>
    public const string FeaturesColumn = "MLNet.Distillation.SparseFeatures";

    /// <summary>The slots of a row's non-zeros (int64), then padding.</summary>
    public const string SlotsColumn = "MLNet.Distillation.SparseSlots";

    /// <summary>The values of a row's non-zeros (float), then padding.</summary>
    public const string ValuesColumn = "MLNet.Distillation.SparseValues";

    /// <summary>How many of the pairs are the row's (int64, one value).</summary>
    public const string CountColumn = "MLNet.Distillation.SparseCount";

    /// <summary>The capacities a saved student can have, smallest first.</summary>
    public static IReadOnlyList<int> Capacities { get; } = [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144];

    /// <summary>The contract name of the mapping with room for <paramref name="capacity"/> pairs.</summary>
    /// <param name="capacity">One of <see cref="Capacities"/>.</param>
    public static string ContractName(int capacity) => $"MLNet.Distillation.SparseFeaturePairs{capacity}.v1";

    /// <summary>The input row: the feature vector, any length, sparse or dense.</summary>
    public sealed class FeatureRow
    {
        /// <summary>The features.</summary>
        [ColumnName(FeaturesColumn), VectorType]
        public VBuffer<float> Features;
    }

    /// <summary>
    /// Writes the non-zeros of <paramref name="features"/> into the first entries of <paramref name="slots"/> and
    /// <paramref name="values"/>.
    /// </summary>
    internal static void Fill(in VBuffer<float> features, ref long[] slots, ref float[] values, ref long[] count, int capacity)
    {
        if (slots?.Length != capacity) slots = new long[capacity];
        if (values?.Length != capacity) values = new float[capacity];
        if (count?.Length != 1) count = new long[1];
        var source = features.GetValues();
        var indices = features.IsDense ? default : features.GetIndices();
        int n = 0;
        for (int i = 0; i < source.Length; i++)
        {
            if (source[i] == 0)
                continue;
            if (n == capacity)
                throw new InvalidOperationException($"A row of the student's feature column holds more than {capacity:N0} non-zero values, the most this saved student " +
                    "reads per row (twice its longest training row rounded up to a power of two, or the trainer's MaximumNonZerosPerRow). It is refused rather than truncated: " +
                    "retrain with a larger MaximumNonZerosPerRow, or shorten the input.");
            slots[n] = features.IsDense ? i : indices[i];
            values[n++] = source[i];
        }
        count[0] = n;
    }
}

/// <summary>The (slot, value) pairs of a row, room for 256 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs256.v1")]
public sealed class SparseFeaturePairs256Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs256Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(256)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(256)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 256);
}

/// <summary>The (slot, value) pairs of a row, room for 512 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs512.v1")]
public sealed class SparseFeaturePairs512Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs512Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(512)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(512)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 512);
}

/// <summary>The (slot, value) pairs of a row, room for 1024 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs1024.v1")]
public sealed class SparseFeaturePairs1024Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs1024Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(1024)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(1024)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 1024);
}

/// <summary>The (slot, value) pairs of a row, room for 2048 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs2048.v1")]
public sealed class SparseFeaturePairs2048Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs2048Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(2048)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(2048)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 2048);
}

/// <summary>The (slot, value) pairs of a row, room for 4096 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs4096.v1")]
public sealed class SparseFeaturePairs4096Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs4096Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(4096)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(4096)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 4096);
}

/// <summary>The (slot, value) pairs of a row, room for 8192 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs8192.v1")]
public sealed class SparseFeaturePairs8192Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs8192Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(8192)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(8192)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 8192);
}

/// <summary>The (slot, value) pairs of a row, room for 16384 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs16384.v1")]
public sealed class SparseFeaturePairs16384Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs16384Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(16384)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(16384)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 16384);
}

/// <summary>The (slot, value) pairs of a row, room for 32768 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs32768.v1")]
public sealed class SparseFeaturePairs32768Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs32768Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(32768)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(32768)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 32768);
}

/// <summary>The (slot, value) pairs of a row, room for 65536 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs65536.v1")]
public sealed class SparseFeaturePairs65536Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs65536Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(65536)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(65536)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 65536);
}

/// <summary>The (slot, value) pairs of a row, room for 131072 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs131072.v1")]
public sealed class SparseFeaturePairs131072Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs131072Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(131072)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(131072)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 131072);
}

/// <summary>The (slot, value) pairs of a row, room for 262144 (see <see cref="SparseFeaturePairs"/>).</summary>
[CustomMappingFactoryAttribute("MLNet.Distillation.SparseFeaturePairs262144.v1")]
public sealed class SparseFeaturePairs262144Mapping : CustomMappingFactory<SparseFeaturePairs.FeatureRow, SparseFeaturePairs262144Mapping.Pairs>
{
    /// <summary>The pairs.</summary>
    public sealed class Pairs
    {
        /// <summary>Slots.</summary>
        [ColumnName(SparseFeaturePairs.SlotsColumn), VectorType(262144)] public long[] Slots = [];
        /// <summary>Values.</summary>
        [ColumnName(SparseFeaturePairs.ValuesColumn), VectorType(262144)] public float[] Values = [];
        /// <summary>Count.</summary>
        [ColumnName(SparseFeaturePairs.CountColumn), VectorType(1)] public long[] Count = [];
    }

    /// <summary>The mapping.</summary>
    public override Action<SparseFeaturePairs.FeatureRow, Pairs> GetMapping()
        => (i, o) => SparseFeaturePairs.Fill(i.Features, ref o.Slots, ref o.Values, ref o.Count, 262144);
}
