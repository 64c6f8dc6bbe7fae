using Microsoft.ML;
using MLNet.Distillation.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Students;

/// <summary>
/// Loss terms that read a hidden layer (hint, relation, similarity-preserving) on the students that are not built by the
/// library's own architectures: a custom TorchSharp module (layers named by their module paths) and a pruned student
/// (the layers keep the names they had in the network they were pruned from).
/// </summary>
public sealed class StudentLayerTapsTests
{
    /// <summary>body = Linear(64→16) → ReLU, head = Linear(16→classes): "body" is the ReLU's output.</summary>
    private static TorchSharpStudent BodyAndHead() => new((inputs, classes) => nn.Sequential(
        ("body", nn.Sequential(nn.Linear(inputs, 16), nn.ReLU())),
        ("head", nn.Linear(16, classes))), name: "body-head")
    { StandardizeInputs = true };

    private static DistillationMulticlassTrainer.Options HintOn(StudentArchitecture student, string layer, int epochs, List<EpochReport>? reports = null) => new()
    {
        Student = student,
        Losses =
        [
            new(LossNames.CrossEntropy, 0.1f), new(LossNames.KnowledgeDistillation, 0.9f),
            new(LossNames.Hint, 1) { StudentLayer = layer, TeacherColumn = "TeacherFeatures" },
        ],
        NumberOfEpochs = epochs, BatchSize = 32, Seed = 3,
        Progress = reports is null ? null : new SynchronousProgress<EpochReport>(reports.Add),
    };

    [Fact]
    public void A_custom_module_names_its_layers_by_path_and_the_taps_are_what_each_module_computes()
    {
        random.manual_seed(5);
        var module = nn.Sequential(
            ("features", nn.Sequential(nn.Conv2d(1, 3, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2))),
            ("head", nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(3 * 4 * 4, 10))));
        using var network = new TorchSharpStudentNetwork(module, 64, [1, 8, 8]);
        Assert.Equal(["features.0", "features.1", "features.2", "features", "head.0", "head.1", "head.2", "head"], network.LayerNames);

        network.eval();
        using var x = randn(5, 64);
        var taps = new Dictionary<string, Tensor?> { ["features.0"] = null, ["features"] = null, ["head.2"] = null, ["head"] = null };
        using var output = network.Forward(x, taps);

        // Each module's output computed independently of the walk, in the order its forward runs.
        using var image = x.reshape(-1, 1, 8, 8);
        var convs = (Sequential)module.named_children().First().module;
        using var conv = ((nn.Module<Tensor, Tensor>)convs.named_children().First().module).forward(image);
        using var pooled = nn.functional.max_pool2d(nn.functional.relu(conv), 2);
        using var expected = module.forward(image);
        Assert.Equal(expected.data<float>().ToArray(), output.data<float>().ToArray());     // bit for bit: the same operations
        Assert.Equal(conv.data<float>().ToArray(), taps["features.0"]!.data<float>().ToArray());
        Assert.Equal(pooled.data<float>().ToArray(), taps["features"]!.data<float>().ToArray());
        Assert.Same(taps["head.2"], taps["head"]);                                          // a Sequential's output is its last layer's
        Assert.Equal(expected.data<float>().ToArray(), taps["head"]!.data<float>().ToArray());
    }

    [Fact]
    public void The_exported_layers_carry_the_module_paths_that_still_exist_after_folding()
    {
        random.manual_seed(1);
        var module = nn.Sequential(
            ("features", nn.Sequential(nn.Conv2d(1, 3, 3, padding: 1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2))),
            ("head", nn.Sequential(nn.Flatten(), nn.Linear(48, 8), nn.ReLU(), nn.Dropout(0.2))),
            ("out", nn.Linear(8, 10)));
        using var network = new TorchSharpStudentNetwork(module, 64, [1, 8, 8]);
        var names = network.ExportLayers().Select(l => string.Join("+", l.TapNames)).ToArray();

        // Reshape, Conv (BatchNorm folded in: its output is the BatchNorm's), ReLU, MaxPool (ends 'features'), Flatten,
        // Dense, ReLU ('head' ends in a dropout, which differs while training, so 'head' is not given), Dense.
        Assert.Equal(["", "features.1", "features.2", "features.3+features", "head.0", "head.1", "head.2", "out"], names);
    }

    [Fact]
    public void A_hint_term_trains_a_custom_students_hidden_layer_and_the_same_seed_gives_the_same_student()
    {
        var ml = new MLContext(0);
        var scored = TestData.DigitsWithTeacherFeatures(ml, 300);
        var reports = new List<EpochReport>();
        var student = ml.MulticlassClassification.Trainers.Distillation(HintOn(BodyAndHead(), "body", 12, reports)).Fit(scored);

        Assert.True(reports[^1].LossTerms[LossNames.Hint] < 0.5 * reports[0].LossTerms[LossNames.Hint],
            $"hint {reports[0].LossTerms[LossNames.Hint]:0.0000} → {reports[^1].LossTerms[LossNames.Hint]:0.0000}");
        Assert.Equal(64 * 16 + 16 + 16 * 10 + 10, student.ParameterCount);   // the 16 → 144 projector is not the student's
        Assert.True(ml.MulticlassClassification.Evaluate(student.Transform(scored)).MicroAccuracy > 0.5);
        var again = ml.MulticlassClassification.Trainers.Distillation(HintOn(BodyAndHead(), "body", 12)).Fit(scored);
        Assert.Equal(student.ToOnnx(), again.ToOnnx());

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Trainers.Distillation(HintOn(BodyAndHead(), "hidden1", 1)).Fit(scored));
        Assert.Contains("'hidden1'", missing.Message);
        Assert.Contains("body.0, body.1, body, head", missing.Message);
    }

    [Fact]
    public void A_pruned_student_keeps_its_layer_names_so_the_same_hint_recipe_fine_tunes_it()
    {
        var ml = new MLContext(0);
        var scored = TestData.DigitsWithTeacherFeatures(ml, 300);

        // Built-in MLP: 'hidden1' of MLP 64-16-10 is 'hidden1' of the pruned MLP 64-8-10.
        var mlpOptions = HintOn(new MlpStudent { HiddenLayers = [16] }, "hidden1", 6);
        var mlp = ml.MulticlassClassification.Trainers.Distillation(mlpOptions).Fit(scored);
        var reports = new List<EpochReport>();
        mlpOptions.Progress = new SynchronousProgress<EpochReport>(reports.Add);
        var pruned = ml.Distillation.Prune(mlp, scored, mlpOptions, new PruningOptions { KeepFraction = 0.5, FineTuningEpochs = 3 });
        Assert.Equal("pruned MLP 64-8-10", pruned.Student.Architecture);
        Assert.Equal(3, reports.Count);
        Assert.All(reports, r => Assert.True(double.IsFinite(r.LossTerms[LossNames.Hint])));

        // Custom module: 'body' (its ReLU) is still 'body', and 'body.0' (the Linear) still 'body.0'.
        var customOptions = HintOn(BodyAndHead(), "body", 6);
        var custom = ml.MulticlassClassification.Trainers.Distillation(customOptions).Fit(scored);
        foreach (var layer in new[] { "body", "body.0" })
        {
            var fineTuning = HintOn(BodyAndHead(), layer, 6);
            var customReports = new List<EpochReport>();
            fineTuning.Progress = new SynchronousProgress<EpochReport>(customReports.Add);
            var prunedCustom = ml.Distillation.Prune(custom, scored, fineTuning, new PruningOptions { Widths = [8], FineTuningEpochs = 2 });
            Assert.Equal("pruned MLP 64-8-10", prunedCustom.Student.Architecture);
            Assert.Equal(64 * 8 + 8 + 8 * 10 + 10, prunedCustom.Student.ParameterCount);
            Assert.All(customReports, r => Assert.True(double.IsFinite(r.LossTerms[LossNames.Hint]), layer));
        }
    }

    [Fact]
    public void The_taps_of_a_network_rebuilt_from_layers_are_the_layer_outputs_before_dropout()
    {
        random.manual_seed(2);
        var layers = new List<StudentLayer>
        {
            new DenseLayer(3, 4, [.. Enumerable.Range(0, 12).Select(i => 0.1f * (i - 6))], [0.1f, -0.2f, 0.3f, 0f]) { TapNames = ["body.0"] },
            new ReluLayer("hidden1") { TapNames = ["body.1", "body"] },
            new DenseLayer(4, 2, [.. Enumerable.Range(0, 8).Select(i => 0.2f * (i - 3))], [0f, 0.5f]) { TapNames = ["head"] },
        };
        using var network = new InitializedStudent(layers, dropout: 0.5f, standardizeInputs: false).Build(3, 2);
        Assert.Equal(["body.0", "hidden1", "body.1", "body", "head"], network.LayerNames);

        network.train();   // dropout active: the taps still hold the ReLU's output, as the built-in students capture it
        var x = tensor(new float[] { 1, -2, 0.5f, 0.3f, 0.2f, -1 }, [2, 3]);
        var taps = new Dictionary<string, Tensor?> { ["body.0"] = null, ["hidden1"] = null, ["body"] = null };
        using var output = network.Forward(x, taps);
        // By hand: h = x·Wᵀ + b for row 0.
        float[] w = [.. Enumerable.Range(0, 12).Select(i => 0.1f * (i - 6))];
        float[] b = [0.1f, -0.2f, 0.3f, 0f];
        float[] row = [1, -2, 0.5f];
        var h = Enumerable.Range(0, 4).Select(o => b[o] + Enumerable.Range(0, 3).Sum(i => row[i] * w[o * 3 + i])).ToArray();
        Tolerance.Close(h.Select(v => (double)v).ToArray(), taps["body.0"]!.data<float>().Take(4).Select(v => (double)v).ToArray(), 1e-6, 1e-6, "body.0");
        Tolerance.Close(h.Select(v => (double)Math.Max(v, 0)).ToArray(), taps["body"]!.data<float>().Take(4).Select(v => (double)v).ToArray(), 1e-6, 1e-6, "body");
        Assert.Same(taps["hidden1"], taps["body"]);
        x.Dispose();
    }
}
