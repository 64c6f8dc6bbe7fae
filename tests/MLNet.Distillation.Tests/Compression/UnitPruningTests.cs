using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Compression;

/// <summary>The unit-removal step and the importance scores on hand-made networks whose values can be checked by hand.</summary>
public sealed class UnitPruningTests
{
    // MLP 2-3-2: hidden unit 1 has zero outgoing weights (dead); hidden unit 2 reads x0 − x1.
    private static readonly IReadOnlyList<StudentLayer> Mlp =
    [
        new DenseLayer(2, 3, [1, 0, 0, 1, 1, -1], [0, 0.5f, 0]),
        new ReluLayer(),
        new DenseLayer(3, 2, [1, 0, 2, -1, 0, 1], [0.1f, -0.2f]),
    ];

    private static readonly float[] MlpRows = [1, 2, 3, 1];

    private static float[] Outputs(IReadOnlyList<StudentLayer> layers, float[] rows, int features)
    {
        using var network = new InitializedStudent.Network(layers, 0);
        network.eval();
        using var _ = no_grad();
        using var input = tensor(rows, [rows.Length / features, features]);
        using var output = network.forward(input);
        return output.data<float>().ToArray();
    }

    [Fact]
    public void Removing_a_dead_hidden_unit_leaves_the_outputs_unchanged_and_the_layers_smaller()
    {
        var prunable = UnitPruning.Find(Mlp);
        Assert.Equal([new PrunableLayer(0, 2, 3, 1)], prunable);
        var pruned = UnitPruning.Remove(Mlp, prunable, [[0, 2]]);

        var first = Assert.IsType<DenseLayer>(pruned[0]);
        Assert.Equal((2, 2), (first.Inputs, first.Outputs));
        Assert.Equal([1, 0, 1, -1], first.Weight);
        Assert.Equal([0, 0], first.Bias);
        var last = Assert.IsType<DenseLayer>(pruned[2]);
        Assert.Equal((2, 2), (last.Inputs, last.Outputs));
        Assert.Equal([1, 2, -1, 1], last.Weight);
        Assert.Equal(17, UnitPruning.ParameterCount(Mlp));
        Assert.Equal(12, UnitPruning.ParameterCount(pruned));

        // By hand: row (1, 2) → hidden (1, 2.5, 0) → (0.1 + 1, −0.2 − 1) = (1.1, −1.2); row (3, 1) → (3, 1.5, 2) → (7.1, −1.2).
        Assert.Equal([1.1f, -1.2f, 7.1f, -1.2f], Outputs(Mlp, MlpRows, 2));
        Assert.Equal(Outputs(Mlp, MlpRows, 2), Outputs(pruned, MlpRows, 2));
        // Removing a live unit does change them: the step really removes what it is told to.
        Assert.NotEqual(Outputs(Mlp, MlpRows, 2), Outputs(UnitPruning.Remove(Mlp, prunable, [[0, 1]]), MlpRows, 2));
    }

    [Fact]
    public void Importance_scores_equal_hand_computed_values()
    {
        var prunable = UnitPruning.Find(Mlp);
        // Activation: mean |a| over the rows = (2, 2, 1); outgoing L2 norms (√2, 0, √5).
        var activation = UnitImportance.Score(Mlp, prunable, PruningCriterion.Activation, MlpRows, 2);
        Tolerance.Close([2 * Math.Sqrt(2), 0, Math.Sqrt(5)], activation[0], 1e-12, what: "activation score");
        Assert.Equal([0, 2], UnitPruning.Top(activation[0], 2));
        // Weight magnitude: L1 of incoming rows (1, 1, 2).
        var magnitude = UnitImportance.Score(Mlp, prunable, PruningCriterion.WeightMagnitude, [], 2);
        Assert.Equal([1.0, 1.0, 2.0], magnitude[0]);
        Assert.Equal([0, 2], UnitPruning.Top(magnitude[0], 2)); // tie between 0 and 1: the lower index stays
    }

    // A 1×2×2 image, a 1×1 convolution to two channels (x and −x), ReLU, flattened (4 columns per channel) into a dense layer.
    private static IReadOnlyList<StudentLayer> Cnn(float deadOrLive) =>
    [
        new ReshapeLayer([1, 2, 2]),
        new Conv2dLayer(1, 2, 1, 0, [1, -1], [0, 0]),
        new ReluLayer(),
        new FlattenLayer(),
        new DenseLayer(8, 2, [1, 0, 0, 0, 0, 0, 0, deadOrLive, 0, 2, 0, 0, 0, 0, 0, 0], [0.5f, 0]),
    ];

    [Fact]
    public void A_flattened_channel_is_removed_with_its_block_of_columns()
    {
        float[] row = [1, 2, 3, -1];
        var prunable = UnitPruning.Find(Cnn(0));
        Assert.Equal([new PrunableLayer(1, 4, 2, 4)], prunable);
        var pruned = UnitPruning.Remove(Cnn(0), prunable, [[0]]);
        Assert.Equal(1, Assert.IsType<Conv2dLayer>(pruned[1]).OutChannels);
        var dense = Assert.IsType<DenseLayer>(pruned[4]);
        Assert.Equal([1, 0, 0, 0, 0, 2, 0, 0], dense.Weight);
        Assert.Equal(Outputs(Cnn(0), row, 4), Outputs(pruned, row, 4));

        // Activation: channel 0 = relu(x) = (1, 2, 3, 0), columns' norms (1, 2, 0, 0) → 1·1 + 2·2 = 5;
        // channel 1 = relu(−x) = (0, 0, 0, 1), column 7's norm 4 → 4.
        var scores = UnitImportance.Score(Cnn(4), UnitPruning.Find(Cnn(4)), PruningCriterion.Activation, row, 4);
        Tolerance.Close([5, 4], scores[0], 1e-12, what: "channel score");
    }

    [Fact]
    public void A_channel_read_by_a_convolution_is_removed_with_its_input_slice()
    {
        // 1×1×1 image: channels (2x, −2x) after ReLU; a second 1×1 convolution reads them with weights (0.5, 3).
        IReadOnlyList<StudentLayer> layers =
        [
            new ReshapeLayer([1, 1, 1]),
            new Conv2dLayer(1, 2, 1, 0, [2, -2], [0, 0]),
            new ReluLayer(),
            new Conv2dLayer(2, 1, 1, 0, [0.5f, 3], [1]),
            new ReluLayer(),
            new FlattenLayer(),
            new DenseLayer(1, 1, [2], [0]),
        ];
        var prunable = UnitPruning.Find(layers);
        Assert.Equal([new PrunableLayer(1, 3, 2, 0), new PrunableLayer(3, 6, 1, 1)], prunable);
        // Rows x = 1 and x = 2: channel means (3, 0); input-slice norms (0.5, 3) → scores (1.5, 0).
        var scores = UnitImportance.Score(layers, prunable, PruningCriterion.Activation, [1, 2], 1);
        Tolerance.Close([1.5, 0], scores[0], 1e-12, what: "channel score");
        var pruned = UnitPruning.Remove(layers, prunable, [[0], [0]]);
        var second = Assert.IsType<Conv2dLayer>(pruned[3]);
        Assert.Equal((1, 1), (second.InChannels, second.OutChannels));
        Assert.Equal([0.5f], second.Weight);
        // Channel 1 never fires on positive inputs, so these rows score the same.
        Assert.Equal(Outputs(layers, [1, 2], 1), Outputs(pruned, [1, 2], 1));
    }

    [Fact]
    public void Unfolding_then_folding_the_standardisations_returns_the_deployed_layers()
    {
        var inputs = new ColumnStandardization([3, -1], [2, 0.5]);
        var target = new ColumnStandardization([40], [12]);
        IReadOnlyList<StudentLayer> layers = [Mlp[0], Mlp[1], new DenseLayer(3, 1, [1, -2, 0.5f], [0.25f])];
        using var network = new InitializedStudent(layers, 0, standardizeInputs: true).Build(2, 1, inputs, target);
        var refolded = LayerFolding.Fold(network.ExportLayers(), inputs, target);
        for (int i = 0; i < layers.Count; i++)
            if (layers[i] is DenseLayer expected)
            {
                var actual = Assert.IsType<DenseLayer>(refolded[i]);
                Tolerance.Close(expected.Weight.Select(w => (double)w).ToArray(), actual.Weight.Select(w => (double)w).ToArray(), 1e-6, 1e-6, $"layer {i} weight");
                Tolerance.Close(expected.Bias.Select(w => (double)w).ToArray(), actual.Bias.Select(w => (double)w).ToArray(), 1e-5, 1e-6, $"layer {i} bias");
            }
        // And the unfolded network maps standardised rows to standardised targets: (x − μ)/σ in, (y − μ_y)/σ_y out.
        float[] raw = [1, 2];
        float[] standardised = [(1 - 3) / 2f, (2 + 1) / 0.5f];
        double y = Outputs(layers, raw, 2)[0];
        using var input = tensor(standardised, [1, 2]);
        network.eval();
        using var output = network.forward(input);
        Assert.Equal((y - 40) / 12, output.data<float>()[0], 5);
    }
}
