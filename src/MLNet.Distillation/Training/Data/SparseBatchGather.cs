using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Builds a <see cref="SparseBatch"/> from rows of a <see cref="SparseRows"/> table, on the host in one pass over the
/// batch's non-zeros: each slot gets a local index the first time the batch meets it (a stamp per slot tells whether
/// this batch met it already, so nothing is cleared between batches). The tensors are copied into libtorch's own
/// memory, so that every run sees the same alignment and the same seed gives the same student.
/// </summary>
internal sealed class SparseBatchGather(int width, Device device)
{
    private readonly int[] _local = new int[width];
    private readonly int[] _stamp = new int[width];
    private int _batch;

    public SparseBatch Gather(SparseRows table, ReadOnlySpan<int> rows)
    {
        if (++_batch == int.MaxValue)
        {
            Array.Clear(_stamp);
            _batch = 1;
        }
        long total = 0;
        foreach (int r in rows)
            total += table.Starts[r + 1] - table.Starts[r];
        if (total > Array.MaxLength)
            throw new InvalidOperationException($"A batch of {rows.Length:N0} rows holds {total:N0} non-zero features, more than one array holds; use a smaller BatchSize.");
        var local = new long[total];
        var values = new float[total];
        var rowOf = new long[total];
        var slots = new List<long>();
        int n = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            var (rowSlots, rowValues) = table.Get(rows[i]);
            for (int k = 0; k < rowSlots.Length; k++, n++)
            {
                int s = rowSlots[k];
                if (_stamp[s] != _batch)
                {
                    _stamp[s] = _batch;
                    _local[s] = slots.Count;
                    slots.Add(s);
                }
                local[n] = _local[s];
                values[n] = rowValues[k];
                rowOf[n] = i;
            }
        }
        return new SparseBatch(tensor(slots.ToArray(), device: device), tensor(local, device: device), tensor(values, device: device),
            tensor(rowOf, device: device), rows.Length);
    }
}
