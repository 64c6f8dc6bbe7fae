using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// MUNGE pseudo-data (Bucilua, Caruana and Niculescu-Mizil 2006, "Model compression"): unlabelled rows that resemble the
/// real ones, for a teacher to label, so a student learns the teacher's function on more points than the labelled data
/// has. Each pass copies the data and, for each row e and its nearest neighbour e' (Euclidean on standardised
/// features), with probability p per attribute: a nominal attribute (a column holding only 0 and 1, as one-hot
/// categories do) is swapped between e and e'; a continuous one is redrawn for both from normal distributions centred on
/// the other's value with standard deviation |e_a − e'_a| / s. The copy after the pass is one set of pseudo-rows.
/// <para>
/// What it cannot know: one-hot groups are varied column by column, so a pseudo-row may have two categories of one
/// group set, or none; integer-valued attributes come out fractional. Both stay in the range of the data around them.
/// </para>
/// </summary>
internal static class MungeTransferSet
{
    public static IDataView Create(MLContext ml, IDataView data, MungeOptions options)
    {
        options.Validate();
        var featureColumn = data.Schema.GetColumnOrNull(options.FeatureColumnName)
            ?? throw new ArgumentException($"Munge: the data has no feature column '{options.FeatureColumnName}'.", nameof(data));
        if (featureColumn.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } vector
            || vector.ItemType.RawType != typeof(float))
            throw new ArgumentException($"Munge: the feature column '{featureColumn.Name}' must be a known-size vector of Single, not {featureColumn.Type}.", nameof(data));
        var labelColumn = data.Schema.GetColumnOrNull(options.LabelColumnName)
            ?? throw new ArgumentException($"Munge: the data has no label column '{options.LabelColumnName}'.", nameof(data));
        var label = MungeLabel.Of(labelColumn);
        int width = vector.Size;

        var (rows, labels) = Read(data, featureColumn, labelColumn, label, width, options.MaximumRows);
        if (rows.Count < 2)
            throw new ArgumentException($"Munge needs at least two rows to pair each with a neighbour; the data has {rows.Count}.", nameof(data));
        bool[] nominal = Enumerable.Range(0, width).Select(a => rows.All(r => r[a] is 0f or 1f)).ToArray();
        int[] neighbour = NearestNeighbours(rows, width);

        var random = new Random(options.Seed);
        var pseudo = new List<float[]>(rows.Count * options.Multiplier);
        for (int pass = 0; pass < options.Multiplier; pass++)
        {
            var copy = rows.Select(r => (float[])r.Clone()).ToArray();
            for (int e = 0; e < copy.Length; e++)
            {
                var a1 = copy[e];
                var a2 = copy[neighbour[e]];
                for (int a = 0; a < width; a++)
                {
                    if (random.NextDouble() >= options.SwapProbability)
                        continue;
                    if (nominal[a])
                        (a1[a], a2[a]) = (a2[a], a1[a]);
                    else
                    {
                        double x = a1[a], y = a2[a], sd = Math.Abs(x - y) / options.Spread;
                        a1[a] = (float)(y + sd * Normal(random));
                        a2[a] = (float)(x + sd * Normal(random));
                    }
                }
            }
            pseudo.AddRange(copy);
        }
        return label.Build(ml, featureColumn, labelColumn, rows, labels, pseudo);
    }

    private static (List<float[]> Rows, List<float> Labels) Read(IDataView data, DataViewSchema.Column features, DataViewSchema.Column labelColumn,
        MungeLabel label, int width, int maximumRows)
    {
        var rows = new List<float[]>();
        var labels = new List<float>();
        using var cursor = data.GetRowCursor([features, labelColumn]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = label.Reader(cursor, labelColumn);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            if (rows.Count == maximumRows)
                throw new ArgumentException(
                    $"Munge compares every pair of rows; the data has more than MungeOptions.MaximumRows ({maximumRows:N0}). " +
                    "Sample it first (mlContext.Data.TakeRows after a shuffle) or raise MaximumRows.");
            getFeatures(ref value);
            var row = new float[width];
            value.CopyTo(row);
            for (int a = 0; a < width; a++)
                if (!float.IsFinite(row[a]))
                    throw new ArgumentException($"Munge: column '{features.Name}' holds {row[a]} at row {cursor.Position}, slot {a}; fill missing values first (ReplaceMissingValues).");
            rows.Add(row);
            labels.Add(getLabel());
        }
        return (rows, labels);
    }

    /// <summary>Each row's nearest other row, Euclidean on standardised features, by blocks of distance matrices in libtorch.</summary>
    private static int[] NearestNeighbours(List<float[]> rows, int width)
    {
        using var scope = NewDisposeScope();
        var all = new float[(long)rows.Count * width];
        for (int r = 0; r < rows.Count; r++)
            rows[r].CopyTo(all, (long)r * width);
        var x = tensor(all, [rows.Count, width]);
        var std = x.std(0, keepdim: true);
        x = (x - x.mean([0], keepdim: true)) / std.where(std.gt(HeldScalars.Zero), ones_like(std));
        var squared = (x * x).sum(1);
        var result = new int[rows.Count];
        using var infinity = float.PositiveInfinity.ToScalar(); // every Scalar held (HeldScalars)
        const int block = 1024;
        for (int start = 0; start < rows.Count; start += block)
        {
            int n = Math.Min(block, rows.Count - start);
            using var inner = NewDisposeScope();
            var q = x.narrow(0, start, n);
            var distance = squared.narrow(0, start, n).unsqueeze(1).Plus(squared.unsqueeze(0)) - q.mm(x.t()).Times(2);
            // A row is not its own neighbour.
            using var count = n.ToScalar();
            using var first = start.ToScalar();
            using var end = (start + n).ToScalar();
            distance.index_put_(infinity, arange(HeldScalars.Zero, count, HeldScalars.One), arange(first, end, HeldScalars.One));
            distance.argmin(1).data<long>().ToArray().Select(i => (int)i).ToArray().CopyTo(result, start);
        }
        return result;
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
