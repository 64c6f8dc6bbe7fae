using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Students;

/// <summary>
/// The sparse first layer against the dense product it replaces (hand-built rows, nn.Linear's arithmetic), fastText's
/// weighted mean against its definition, and the lazy AdamW step against FlatAdamW (itself pinned to torch.optim.AdamW)
/// on the rows a batch touches and against a hand-computed lazy update on the rows it does not.
/// </summary>
public sealed class SparseLinearTests
{
    // Two rows over 5 slots: row 0 = {1: 2.0, 3: -1.0}, row 1 = {0: 0.5, 1: 1.0}. Slots touched: 1, 3, 0 (first appearance).
    private static SparseBatch Batch() => new(
        tensor(new long[] { 1, 3, 0 }), tensor(new long[] { 0, 1, 2, 0 }), tensor(new float[] { 2f, -1f, 0.5f, 1f }), tensor(new long[] { 0, 0, 1, 1 }), 2);

    private static readonly float[,] Dense = { { 0, 2, 0, -1, 0 }, { 0.5f, 1, 0, 0, 0 } };

    [Fact]
    public void Forward_and_row_gradients_equal_the_dense_layer_on_the_densified_rows()
    {
        random.manual_seed(4);
        var sparse = new SparseLinear(5, 3, withBias: true, averageValues: false, inputDropout: 0, embeddingInit: false);
        random.manual_seed(4);
        var linear = nn.Linear(5, 3);
        // Same seed, same draws: the table is nn.Linear's weight transposed, bit for bit.
        Assert.Equal(linear.weight!.t().contiguous().data<float>().ToArray(), sparse.Weight.data<float>().ToArray());
        Assert.Equal(linear.bias!.data<float>().ToArray(), sparse.Bias!.data<float>().ToArray());

        sparse.train();
        var output = sparse.forward(Batch());
        var x = tensor(Enumerable.Range(0, 10).Select(i => Dense[i / 5, i % 5]).ToArray(), [2, 5]);
        var expected = linear.forward(x);
        Assert.Equal(expected.data<float>().ToArray(), output.data<float>().ToArray(), new FloatClose(1e-6f));

        // d(sum of outputs)/dW[s, o] = Σ_rows x[row, s]: slots 1, 3, 0 → 3, −1, 0.5 for every output.
        output.sum().backward();
        var (slots, rows) = sparse.TouchedRows!.Value;
        Assert.Equal([1L, 3L, 0L], slots.data<long>().ToArray());
        Assert.Equal(new float[] { 3, 3, 3, -1, -1, -1, 0.5f, 0.5f, 0.5f }, rows.grad!.data<float>().ToArray(), new FloatClose(1e-6f));
        Assert.Null(sparse.Weight.grad); // the table itself receives no dense gradient
    }

    [Fact]
    public void Averaged_values_give_the_weighted_mean_of_the_slot_rows()
    {
        random.manual_seed(1);
        var sparse = new SparseLinear(5, 2, withBias: false, averageValues: true, inputDropout: 0, embeddingInit: true);
        sparse.eval();
        var w = sparse.Weight.data<float>().ToArray();
        var output = sparse.forward(Batch()).data<float>().ToArray();
        // Row 0: (2·W[1] − 1·W[3]) / 3; row 1: (0.5·W[0] + 1·W[1]) / 1.5.
        for (int o = 0; o < 2; o++)
        {
            Assert.Equal((2 * w[1 * 2 + o] - w[3 * 2 + o]) / 3, output[o], 1e-6f);
            Assert.Equal((0.5f * w[0 * 2 + o] + w[1 * 2 + o]) / 1.5f, output[2 + o], 1e-6f);
        }
        Assert.All(w, v => Assert.InRange(v, -0.5f, 0.5f)); // fastText's initialisation: ±1/outputs
    }

    [Fact]
    public void Lazy_adamw_equals_flat_adamw_when_every_step_touches_every_row()
    {
        const double Lr = 0.01, Decay = 0.1;
        random.manual_seed(2);
        var sparse = new SparseLinear(3, 2, withBias: false, averageValues: false, inputDropout: 0, embeddingInit: false);
        var dense = new TorchSharp.Modules.Parameter(sparse.Weight.detach().clone());
        using var lazy = new SparseRowAdamW(sparse, Lr, Decay);
        using var flat = new FlatAdamW([dense], Lr, Decay);
        sparse.train();
        for (int step = 0; step < 4; step++)
        {
            // Every row touched, in a different order each step (the local order must not matter).
            long[] order = step % 2 == 0 ? [0, 1, 2] : [2, 0, 1];
            var batch = new SparseBatch(tensor(order), tensor(new long[] { 0, 1, 2 }), tensor(new float[] { 1f + step, -0.5f, 2f }), tensor(new long[] { 0, 0, 0 }), 1);
            var output = sparse.forward(batch);
            (output * output).sum().backward();
            var (slots, rows) = sparse.TouchedRows!.Value;
            flat.ZeroGrad();
            using (no_grad())
                dense.grad!.index_copy_(0, slots, rows.grad!);
            lazy.Step();
            flat.Step();
            Assert.Equal(dense.data<float>().ToArray(), sparse.Weight.data<float>().ToArray());
        }
    }

    [Fact]
    public void Lazy_adamw_leaves_untouched_rows_and_updates_a_late_row_with_the_global_step_count()
    {
        const double Lr = 0.01, Decay = 0.1;
        random.manual_seed(2);
        var sparse = new SparseLinear(5, 3, withBias: false, averageValues: false, inputDropout: 0, embeddingInit: false);
        using var lazy = new SparseRowAdamW(sparse, Lr, Decay);
        var before = sparse.Weight.data<float>().ToArray();
        sparse.train();
        // Step 1 touches slots 1, 3, 0; step 2 only slot 2.
        SparseBatch[] batches = [Batch(), new(tensor(new long[] { 2 }), tensor(new long[] { 0 }), tensor(new float[] { 1.5f }), tensor(new long[] { 0 }), 1)];
        foreach (var batch in batches)
        {
            var previous = sparse.Weight.data<float>().ToArray();
            var output = sparse.forward(batch);
            (output * output).sum().backward();
            lazy.Step();
            var after = sparse.Weight.data<float>().ToArray();
            var touched = batch.Slots.data<long>().ToArray();
            for (int s = 0; s < 5; s++)
                if (!touched.Contains(s))
                    Assert.Equal(previous.AsSpan(s * 3, 3).ToArray(), after.AsSpan(s * 3, 3).ToArray());
        }
        // Slot 4 was never touched; slot 2 once, in step 2: AdamW's first update of its moments, with step 2's bias
        // corrections. Its gradient: y = 1.5·W[2], ∂Σy²/∂W[2] = 2·y·1.5. Replayed here in double.
        var result = sparse.Weight.data<float>().ToArray();
        Assert.Equal(before.AsSpan(12, 3).ToArray(), result.AsSpan(12, 3).ToArray());
        for (int o = 0; o < 3; o++)
        {
            double w = before[2 * 3 + o], g = 2 * (1.5 * w) * 1.5;
            w *= 1 - Lr * Decay;
            double m = 0.1 * g, v = 0.001 * g * g;
            w -= Lr / (1 - Math.Pow(0.9, 2)) * m / (Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(0.999, 2)) + 1e-8);
            Assert.Equal(w, result[2 * 3 + o], 1e-6);
        }
    }

    [Fact]
    public void Table_wide_adamw_divides_every_touched_weights_momentum_by_one_running_root_mean_square_of_the_table()
    {
        const double Lr = 0.01, Decay = 0.1;
        random.manual_seed(2);
        var sparse = new SparseLinear(5, 3, withBias: false, averageValues: false, inputDropout: 0, embeddingInit: false);
        using var tableWide = new SparseRowAdamW(sparse, Lr, Decay, SparseFeatureStep.TableWide);
        var w0 = sparse.Weight.data<float>().ToArray().Select(v => (double)v).ToArray();
        sparse.train();
        SparseBatch[] batches = [Batch(), new(tensor(new long[] { 2 }), tensor(new long[] { 0 }), tensor(new float[] { 1.5f }), tensor(new long[] { 0 }), 1)];
        var after = new List<float[]>();
        foreach (var batch in batches)
        {
            var output = sparse.forward(batch);
            (output * output).sum().backward();
            tableWide.Step();
            after.Add(sparse.Weight.data<float>().ToArray());
        }

        // Replayed in double. Step 1: rows y0 = 2·W[1] − W[3], y1 = 0.5·W[0] + W[1]; the gradient of Σy² per slot and output.
        double W(int slot, int o) => w0[slot * 3 + o];
        var g1 = new Dictionary<int, double[]> { [1] = new double[3], [3] = new double[3], [0] = new double[3] };
        for (int o = 0; o < 3; o++)
        {
            double y0 = 2 * W(1, o) - W(3, o), y1 = 0.5 * W(0, o) + W(1, o);
            g1[1][o] = 2 * y0 * 2 + 2 * y1;
            g1[3][o] = -2 * y0;
            g1[0][o] = 2 * y1 * 0.5;
        }
        double v1 = 0.001 * g1.Values.SelectMany(g => g).Average(g => g * g); // one value: the mean over the 9 touched weights
        double Stepped(double w, double m, double v, int t)
            => w * (1 - Lr * Decay) - Lr / (1 - Math.Pow(0.9, t)) * m / (Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(0.999, t)) + 1e-8);
        foreach (var (slot, g) in g1)
            for (int o = 0; o < 3; o++)
                Assert.Equal(Stepped(W(slot, o), 0.1 * g[o], v1, 1), after[0][slot * 3 + o], 1e-6);
        Assert.Equal(w0.Skip(6).Take(3).Select(v => (float)v), after[0].Skip(6).Take(3)); // slot 2: untouched in step 1

        // Step 2 touches slot 2 only: y = 1.5·W[2], gradient 2·y·1.5; the table's value decays and takes this step's mean.
        var g2 = Enumerable.Range(0, 3).Select(o => 2 * (1.5 * W(2, o)) * 1.5).ToArray();
        double v2 = 0.999 * v1 + 0.001 * g2.Average(g => g * g);
        for (int o = 0; o < 3; o++)
            Assert.Equal(Stepped(W(2, o), 0.1 * g2[o], v2, 2), after[1][2 * 3 + o], 1e-6);
        Assert.Equal(after[0].Take(6).Concat(after[0].Skip(9)), after[1].Take(6).Concat(after[1].Skip(9))); // the others: lazy, untouched
    }

    [Fact]
    public void Table_wide_steps_keep_the_gradients_proportions_where_per_weight_steps_equalise_them()
    {
        // One step from zero moments: per weight, every touched weight moves by about the learning rate whatever its
        // gradient; table-wide, the step is proportional to the gradient (a slot with 4× the gradient moves 4× as far).
        foreach (var step in new[] { SparseFeatureStep.PerWeight, SparseFeatureStep.TableWide })
        {
            random.manual_seed(3);
            var sparse = new SparseLinear(2, 1, withBias: false, averageValues: false, inputDropout: 0, embeddingInit: false);
            using var optimizer = new SparseRowAdamW(sparse, 0.01, 0, step);
            var before = sparse.Weight.data<float>().ToArray();
            sparse.train();
            // Sum of outputs over one row {0: 4, 1: 1}: gradients 4 and 1.
            sparse.forward(new SparseBatch(tensor(new long[] { 0, 1 }), tensor(new long[] { 0, 1 }), tensor(new float[] { 4f, 1f }), tensor(new long[] { 0, 0 }), 1)).sum().backward();
            optimizer.Step();
            var moved = sparse.Weight.data<float>().ToArray().Zip(before, (a, b) => b - a).ToArray();
            if (step == SparseFeatureStep.PerWeight)
                Assert.Equal(moved[0], moved[1], 1e-5);
            else
                Assert.Equal(4, moved[0] / moved[1], 1e-3);
        }
    }

    private sealed class FloatClose(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a));
        public int GetHashCode(float value) => 0;
    }
}
