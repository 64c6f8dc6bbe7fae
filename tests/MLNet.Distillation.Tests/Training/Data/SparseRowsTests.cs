using Microsoft.ML.Data;

namespace MLNet.Distillation.Tests.Training.Data;

/// <summary>The sparse table: memory grows with the non-zeros, rows read back as given, a broken VBuffer is refused by name.</summary>
public sealed class SparseRowsTests
{
    [Fact]
    public void Wide_rows_cost_their_non_zeros_and_read_back_as_given()
    {
        const int Width = 235_407; // FeaturizeText's width on 4,000 fine-food reviews
        var rows = new SparseRows(Width, expectedRows: 1000);
        for (int r = 0; r < 1000; r++)
            rows.Append(new VBuffer<float>(Width, 3, [1f, 0f, -2f], [r, r + 10, Width - 1]), "Features", r);
        rows.Append(new VBuffer<float>(Width, [0f, 5f, .. new float[Width - 2]]), "Features", 1000); // a dense row: only its non-zero kept
        Assert.Equal(1001, rows.Count);
        Assert.Equal(2001, rows.NonZeros); // explicit zeros dropped
        Assert.True(rows.Bytes < 64_000, $"{rows.Bytes} bytes"); // dense: 1,001 × 235,407 floats = 943 MB
        var (slots, values) = rows.Get(7);
        Assert.Equal([7, Width - 1], slots.ToArray());
        Assert.Equal([1f, -2f], values.ToArray());
        Assert.Equal([1], rows.Get(1000).Slots.ToArray());
        Assert.Equal(2, rows.MaximumRowNonZeros);
    }

    [Fact]
    public void Broken_rows_are_refused_naming_the_column_and_row()
    {
        var rows = new SparseRows(10);
        var unordered = Assert.Throws<InvalidOperationException>(() => rows.Append(new VBuffer<float>(10, 2, [1f, 2f], [5, 3]), "Words", 4));
        Assert.Contains("'Words'", unordered.Message);
        Assert.Contains("row 4", unordered.Message);
        var infinite = Assert.Throws<InvalidOperationException>(() => rows.Append(new VBuffer<float>(10, 1, [float.PositiveInfinity], [6]), "Words", 9));
        Assert.Contains("slot 6", infinite.Message);
        var length = Assert.Throws<InvalidOperationException>(() => rows.Append(new VBuffer<float>(12, 1, [1f], [0]), "Words", 2));
        Assert.Contains("declares 10 values", length.Message);
    }
}
