using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;

namespace MLNet.Distillation;

/// <summary>When a Fit keeps the features sparse, and how many (slot, value) pairs per row its saved student reads.</summary>
internal static class SparseInputs
{
    /// <summary>
    /// Whether the Fit trains on the features' non-zeros (see <see cref="DistillationTrainerOptions.SparseFeatures"/>):
    /// as the option says, or, unset, when the student reads sparse rows, the column is wide, and its first row comes sparse.
    /// </summary>
    public static bool Chosen(DistillationTrainerOptions options, IDataView data, DataViewSchema.Column features, int width)
    {
        if (options.SparseFeatures is bool chosen)
            return chosen;
        if (!options.Student.ReadsSparseInputs)
            return false;
        if (options.Student is FastTextStudent)
            return true;
        return width >= Defaults.SparseFeaturesMinimumWidth && FirstRowIsSparse(data, features);
    }

    /// <summary>
    /// The pairs per row the saved student has room for: the requested number, or twice the most a training row held (at
    /// least 1), rounded up to one of <see cref="SparseFeaturePairs.Capacities"/> (powers of two); never above what the
    /// vector's width needs. Room is not free: ML.NET copies every pair of it twice per scored row.
    /// </summary>
    public static int PairsPerRow(int? requested, int mostInTraining, int width)
    {
        long wanted = Math.Min(requested ?? Math.Max(1, 2L * mostInTraining), width);
        foreach (int capacity in SparseFeaturePairs.Capacities)
            if (capacity >= wanted)
                return capacity;
        throw new ArgumentOutOfRangeException(nameof(requested), $"A saved student reads at most {SparseFeaturePairs.Capacities[^1]:N0} non-zero values per row, " +
            $"but {wanted:N0} are needed (Options.MaximumNonZerosPerRow, or twice the {mostInTraining:N0} of the longest training row). " +
            "Set Options.MaximumNonZerosPerRow to at most that, or shorten the longest rows.");
    }

    private static bool FirstRowIsSparse(IDataView data, DataViewSchema.Column features)
    {
        using var cursor = data.GetRowCursor([features]);
        if (!cursor.MoveNext())
            return false;
        VBuffer<float> row = default;
        cursor.GetGetter<VBuffer<float>>(features)(ref row);
        return !row.IsDense;
    }
}
