using Microsoft.ML;
using MLNet.Distillation.Losses;
using MLNet.Distillation.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Students;

/// <summary>
/// The MLP's hand-written training pass (<see cref="FusedDenseStack"/>) against autograd's on the same network, batch and
/// generator state: the same gradients to float rounding, whatever the terms read (logits, a hidden layer) and with
/// dropout; and through the trainers, the same student to float rounding for every task.
/// </summary>
public sealed class FusedDenseStackTests
{
    /// <summary>Every parameter's gradient after one step's backward pass, the way <paramref name="fused"/> says.</summary>
    private static (float[][] Gradients, bool LeafLogits) Gradients(bool fused, float dropout, float inputDropout, bool readHidden)
    {
        var architecture = new MlpStudent { HiddenLayers = [7, 5], Dropout = dropout, InputDropout = inputDropout, FusedTrainingStep = fused };
        var network = TrainingRandom.SeedAndBuild(11, CPU, () => architecture.Build(6, 3), out var generator);
        using var _ = generator;
        using var __ = network;
        network.Generator = generator;
        network.train();
        using var optimizer = new FlatAdamW([.. network.parameters()], 0.01, 0);
        using var scope = NewDisposeScope();
        torch.random.manual_seed(5);
        var x = randn(9, 6);
        var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2, 2, 1, 0 });
        var taps = readHidden ? new Dictionary<string, Tensor?> { ["hidden1"] = null, ["hidden2"] = null } : null;
        optimizer.ZeroGrad();
        var logits = network.ForwardForStep(x, taps);
        var loss = nn.functional.cross_entropy(logits, labels);
        if (readHidden)
            loss = loss + taps!["hidden1"]!.pow(2).mean() * 0.3 + taps["hidden2"]!.sum(1).mean() * 0.2;
        network.BackwardForStep(loss);
        return (network.parameters().Select(p => p.grad!.data<float>().ToArray()).ToArray(), logits.is_leaf);
    }

    [Theory]
    [InlineData(0f, 0f, false)]
    [InlineData(0f, 0f, true)]
    [InlineData(0.3f, 0.2f, false)]
    [InlineData(0.3f, 0.2f, true)]
    public void One_step_gives_autograds_gradients(float dropout, float inputDropout, bool readHidden)
    {
        var (autograd, autogradLeaf) = Gradients(fused: false, dropout, inputDropout, readHidden);
        var (fused, fusedLeaf) = Gradients(fused: true, dropout, inputDropout, readHidden);
        Assert.False(autogradLeaf);
        Assert.True(fusedLeaf); // the hand-written pass ran: its logits are a leaf autograd stops at
        Assert.Equal(autograd.Length, fused.Length);
        for (int p = 0; p < autograd.Length; p++)
        {
            Assert.Contains(autograd[p], g => g != 0);
            Tolerance.Close(autograd[p].Select(v => (double)v).ToArray(), fused[p].Select(v => (double)v).ToArray(), 1e-6, 1e-5, $"parameter {p}");
        }
    }

    [Fact]
    public void Only_training_steps_inside_a_fit_take_the_hand_written_pass()
    {
        var network = TrainingRandom.SeedAndBuild(1, CPU, () => new MlpStudent { HiddenLayers = [4] }.Build(3, 2), out var generator);
        using var _ = generator;
        using var __ = network;
        using var scope = NewDisposeScope();
        var x = randn(2, 3);
        network.train();
        Assert.False(network.ForwardForStep(x, null).is_leaf); // no generator: not inside a Fit
        network.Generator = generator;
        network.eval();
        Assert.False(network.ForwardForStep(x, null).is_leaf);
        network.train();
        Assert.True(network.ForwardForStep(x, null).is_leaf);
    }

    private static float[] Scores(bool fused, string task, string loss)
    {
        var ml = new MLContext(0);
        var student = new MlpStudent { HiddenLayers = [16], Dropout = 0.1f, FusedTrainingStep = fused };
        // The task's label term beside the term under test; representation terms read the hidden layer against a
        // teacher-side column (the digits' teacher features, the raw features for the tables).
        List<LossTerm> Recipe(string labelLoss, string teacherSide)
            => loss == labelLoss ? [new(loss, 1)]
                : [new(labelLoss, 0.5f), IsRepresentation(loss) ? new(loss, 1) { StudentLayer = "hidden1", TeacherColumn = teacherSide } : new(loss, 0.5f)];
        IDataView data;
        ITransformer model;
        switch (task)
        {
            case "binary":
                data = WithTeacher(ml, TestData.BreastCancer(ml), ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 10));
                model = ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
                { Student = student, NumberOfEpochs = 3, BatchSize = 32, Seed = 2, Losses = Recipe(LossNames.BinaryCrossEntropy, "Features") }).Fit(data);
                break;
            case "multiclass":
                data = TestData.DigitsWithTeacherFeatures(ml, 300);
                model = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
                { Student = student, NumberOfEpochs = 3, BatchSize = 32, Seed = 2, Losses = Recipe(LossNames.CrossEntropy, "TeacherFeatures") }).Fit(data);
                break;
            default:
                data = WithTeacher(ml, TestData.Concrete(ml), ml.Regression.Trainers.FastTree(numberOfTrees: 10));
                model = ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
                { Student = student, NumberOfEpochs = 3, BatchSize = 32, Seed = 2, Losses = Recipe(LossNames.MeanSquaredError, "Features") }).Fit(data);
                break;
        }
        var scored = model.Transform(data);
        return scored.Schema["Score"].Type is Microsoft.ML.Data.VectorDataViewType
            ? TestData.Column(scored, "Score").SelectMany(row => row).ToArray()
            : TestData.Scalars(scored, "Score");
    }

    /// <summary>Terms that read a hidden layer (registered for every task) rather than the outputs.</summary>
    private static bool IsRepresentation(string loss)
        => LossRegistry.NamesFor(DistillationTask.BinaryClassification).Contains(loss) && LossRegistry.NamesFor(DistillationTask.Regression).Contains(loss);

    /// <summary>
    /// The rows with a FastTree teacher's outputs (the default recipe's soft targets) beside them. The teacher is not
    /// disposed: the cached view scores through it when first read, after this returns.
    /// </summary>
    private static IDataView WithTeacher<TModel>(MLContext ml, IDataView data, IEstimator<TModel> trainer) where TModel : ITransformer
    {
        var teacher = Teacher.FromTransformer(trainer.Fit(data));
        return ml.Data.Cache(ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data));
    }

    /// <summary>Every registered loss term of every task (a term added to the registry is checked here too).</summary>
    public static TheoryData<string, string> TaskLosses()
    {
        var data = new TheoryData<string, string>();
        foreach (var (task, kind) in new[] { ("binary", DistillationTask.BinaryClassification), ("multiclass", DistillationTask.MulticlassClassification), ("regression", DistillationTask.Regression) })
            foreach (var loss in LossRegistry.NamesFor(kind))
                data.Add(task, loss);
        return data;
    }

    [Theory]
    [MemberData(nameof(TaskLosses))]
    public void Both_passes_train_the_same_student_to_float_rounding(string task, string loss)
    {
        var autograd = Scores(fused: false, task, loss);
        var fused = Scores(fused: true, task, loss);
        Tolerance.Close(autograd.Select(v => (double)v).ToArray(), fused.Select(v => (double)v).ToArray(), 1e-4, 1e-3, $"{task}, {loss}: scores");
    }
}
