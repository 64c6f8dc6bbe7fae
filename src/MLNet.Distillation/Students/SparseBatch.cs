using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// A batch of sparse feature rows as a student's first layer reads them: the distinct slots the batch touches
/// (<see cref="Slots"/>), and for every non-zero its position among those slots, its value and its row. The first layer
/// multiplies by the weight rows of <see cref="Slots"/> only, so its cost and its gradient grow with the batch's
/// non-zeros, not with the vector's width.
/// </summary>
/// <param name="Slots">The distinct slots of the batch, int64 [U], in order of first appearance.</param>
/// <param name="Local">For each non-zero, the index of its slot in <paramref name="Slots"/>, int64 [nnz].</param>
/// <param name="Values">For each non-zero, its value, float [nnz].</param>
/// <param name="RowOf">For each non-zero, its row in the batch, int64 [nnz].</param>
/// <param name="Rows">Rows in the batch (a row may have no non-zero at all).</param>
internal sealed record SparseBatch(Tensor Slots, Tensor Local, Tensor Values, Tensor RowOf, int Rows)
{
    /// <summary><paramref name="rows"/> rows without any non-zero (to probe a network's layer widths).</summary>
    public static SparseBatch Empty(int rows, Device device) => new(
        zeros(0, ScalarType.Int64, device), zeros(0, ScalarType.Int64, device), zeros(0, ScalarType.Float32, device),
        zeros(0, ScalarType.Int64, device), rows);
}
