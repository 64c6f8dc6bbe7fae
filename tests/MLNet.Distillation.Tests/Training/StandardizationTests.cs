using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Training;

/// <summary>The student trains on standardised features and targets, and the exported student reads raw features and predicts in the label's units.</summary>
public sealed class StandardizationTests
{
    [Fact]
    public void Column_statistics_match_a_hand_computation_and_skip_missing_values()
    {
        // Column 0: 1, 2, 3, 6 → mean 3, population std √3.5; column 1 constant → std taken as 1; column 2 has a NaN.
        float[] table = [1, 5, 2, 2, 5, float.NaN, 3, 5, 4, 6, 5, 6];
        var s = ColumnStandardization.Fit(table, rows: 4, columns: 3);
        Assert.Equal([3.0, 5.0, 4.0], s.Mean);
        Assert.Equal(Math.Sqrt(3.5), s.Std[0], 12);
        Assert.Equal(1.0, s.Std[1]);
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Std[2], 12);
        s.Apply(table, 4);
        Assert.Equal((float)(-2 / Math.Sqrt(3.5)), table[0], 6);
        Assert.Equal(0f, table[1]);
        Assert.True(float.IsNaN(table[5]));
    }

    [Fact]
    public void Folded_dense_layers_compute_what_the_network_computed_on_standardised_values()
    {
        // y = σ_y · (W · (x − μ)/σ + b) + μ_y, by hand, against the folded layer applied to raw x.
        var inputs = ColumnStandardization.Fit([0, 10, 2, 30, 4, 20], rows: 3, columns: 2);     // μ = (2, 20), σ = (1.633, 8.165)
        var target = ColumnStandardization.Fit([100, 110, 130], rows: 3, columns: 1);
        var dense = new DenseLayer(2, 1, [0.7f, -1.3f], [0.25f]);
        var folded = (DenseLayer)LayerFolding.Fold([dense], inputs, target).Single();
        double[] x = [3.5, 12];
        double z = 0.7 * (x[0] - inputs.Mean[0]) / inputs.Std[0] - 1.3 * (x[1] - inputs.Mean[1]) / inputs.Std[1] + 0.25;
        double expected = z * target.Std[0] + target.Mean[0];
        double actual = folded.Weight[0] * x[0] + folded.Weight[1] * x[1] + folded.Bias[0];
        Assert.Equal(expected, actual, 4);
    }

    [Fact]
    public void A_cnn_that_standardises_its_inputs_exports_the_standardisation_as_graph_nodes()
    {
        random.manual_seed(3);
        var cnn = new CnnStudent { InputShape = [1, 4, 4], ConvChannels = [2], DenseLayers = [3], Dropout = 0, StandardizeInputs = true };
        using var network = cnn.Build(16, 2);
        network.eval();
        var raw = Enumerable.Range(0, 5 * 16).Select(i => (float)Math.Sin(i) * 10 + 5).ToArray();
        var scaling = ColumnStandardization.Fit(raw, 5, 16);
        var standardised = raw.ToArray();
        scaling.Apply(standardised, 5);
        using var expected = network.forward(tensor(standardised, [5, 16]));
        var layers = LayerFolding.Fold(network.ExportLayers(), scaling, null);
        Assert.IsType<StandardizeLayer>(layers[0]);
        using var session = new InferenceSession(StudentOnnxExporter.Export(new StudentModel(DistillationTask.MulticlassClassification, layers, "cnn", "Features", 16, 2, null), OnnxLayout.Batch));
        using var value = OrtValue.CreateTensorValueFromMemory(raw, [5, 16]);
        using var outputs = session.Run(new RunOptions(), ["Features"], [value], ["Logits"]);
        Tolerance.Close(expected.data<float>().ToArray().Select(v => (double)v).ToArray(),
            outputs[0].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray(), 1e-4, 1e-4, "logit");
    }

    [Fact]
    public void Mlp_students_standardise_by_default_and_cnn_students_do_not()
    {
        Assert.True(new MlpStudent().StandardizeInputs);
        Assert.False(new CnnStudent { InputShape = [1, 2, 2] }.StandardizeInputs);
    }
}
