namespace MLNet.Distillation.Tests.Training.Data;

/// <summary>The chunked row store the training table keeps its features and teacher outputs in.</summary>
public sealed class FloatRowsTests
{
    [Fact]
    public void Rows_never_span_two_chunks_and_chunks_hold_a_power_of_two_rows()
    {
        var rows = new FloatRows(width: 784);
        Assert.Equal(4096, rows.RowsPerChunk); // 2²² values / 784 = 5,349 → 4,096
        Assert.True(rows.RowsPerChunk * 784 <= FloatRows.ChunkElements);
        Assert.Equal(1, new FloatRows(width: FloatRows.ChunkElements + 1).RowsPerChunk);
    }

    [Fact]
    public void Appended_rows_read_back_across_chunk_boundaries_and_growth()
    {
        // Unknown row count: the first chunk starts small and doubles; later chunks are full size. 3 chunks of 2¹⁹ rows.
        const int width = 8, count = (1 << 19) * 2 + 1000;
        var rows = new FloatRows(width);
        for (int r = 0; r < count; r++)
        {
            var row = rows.AppendRow();
            for (int c = 0; c < width; c++) row[c] = r * 10 + c;
        }
        Assert.Equal(count, rows.Count);
        foreach (int r in new[] { 0, 1023, 1024, (1 << 19) - 1, 1 << 19, count - 1 })
            Assert.Equal(Enumerable.Range(0, width).Select(c => (float)(r * 10 + c)), rows.Row(r).ToArray());
        Assert.Equal(3, rows.FilledChunks().Count());
        Assert.Equal((long)count * width, rows.FilledChunks().Sum(c => (long)c.Length));
        // At most one partly filled chunk: the table over-allocates less than one chunk.
        Assert.InRange(rows.AllocatedBytes - (long)count * width * sizeof(float), 0, FloatRows.ChunkElements * sizeof(float));
    }

    [Fact]
    public void A_known_row_count_allocates_exactly_that_many_rows()
    {
        var rows = new FloatRows(width: 3, expectedRows: 10);
        for (int r = 0; r < 10; r++) rows.AppendRow().Fill(r);
        Assert.Equal(10 * 3 * sizeof(float), rows.AllocatedBytes);
    }

    [Fact]
    public void Gather_copies_the_requested_rows_in_the_requested_order()
    {
        var rows = new FloatRows(width: 2);
        for (int r = 0; r < 5; r++) { var row = rows.AppendRow(); row[0] = r; row[1] = -r; }
        var destination = new float[6];
        rows.Gather([4, 0, 2], destination);
        Assert.Equal([4f, -4f, 0f, 0f, 2f, -2f], destination);
        Assert.Throws<ArgumentException>(() => rows.Gather([1, 2], new float[3]));
    }

    [Fact]
    public void Clear_keeps_the_chunks_for_the_next_block()
    {
        var rows = new FloatRows(width: 4, expectedRows: 100);
        for (int r = 0; r < 100; r++) rows.AppendRow().Fill(1);
        long allocated = rows.AllocatedBytes;
        rows.Clear();
        Assert.Equal(0, rows.Count);
        for (int r = 0; r < 100; r++) rows.AppendRow().Fill(2);
        Assert.Equal(allocated, rows.AllocatedBytes);
        Assert.Equal(2f, rows.Row(99)[3]);
    }
}
