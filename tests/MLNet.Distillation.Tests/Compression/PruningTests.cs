using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Compression;

/// <summary>
/// Pruning end to end on real data for each task: a distilled student is pruned to target widths, fine-tuned by the
/// trainer with the distillation loss, and the smaller student scores well, saves, reloads and matches ONNX Runtime.
/// </summary>
public sealed class PruningTests
{
    /// <summary>ML.NET's Score column against ONNX Runtime's on the student's own exported graph, then save and reload.</summary>
    private static void MatchesOnnxAndReloads(MLContext ml, StudentTransformer student, IDataView test)
    {
        var scored = student.Transform(test);
        var scores = scored.Schema["Score"].Type is Microsoft.ML.Data.VectorDataViewType
            ? TestData.Column(scored, "Score") : TestData.Scalars(scored, "Score").Select(s => new[] { s }).ToArray();
        using var session = new InferenceSession(student.ToOnnx());
        var features = TestData.Column(test, student.FeatureColumnName);
        using var input = OrtValue.CreateTensorValueFromMemory(features.SelectMany(f => f).ToArray(), [features.Length, student.InputSize]);
        using var outputs = session.Run(new RunOptions(), [student.FeatureColumnName], [input], ["Score"]);
        var onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Tolerance.Close(scores.SelectMany(s => s).Select(s => (double)s).ToArray(), onnx.Select(s => (double)s).ToArray(), 1e-4, 1e-5, "ONNX Score");

        string path = Path.Combine(Path.GetTempPath(), $"pruned-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Distillation.SaveStudent(student, test.Schema, path);
            var reloaded = ml.Distillation.LoadModel(path, out _);
            var again = reloaded.Transform(test);
            Assert.Equal(scores.SelectMany(s => s), scored.Schema["Score"].Type is Microsoft.ML.Data.VectorDataViewType
                ? TestData.Column(again, "Score").SelectMany(s => s) : TestData.Scalars(again, "Score"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Multiclass_mlp_pruned_to_half_keeps_its_accuracy_and_is_smaller()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.KeyedDigits(ml, 1200), 0.25, seed: 1);
        var teacherModel = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [128] }, NumberOfEpochs = 40, Seed = 1,
        }).Fit(split.TrainSet);
        using var teacher = Teacher.FromStudent(teacherModel);
        var train = ml.Data.Cache(ml.Transforms.TeacherScore(teacher).Fit(split.TrainSet).Transform(split.TrainSet));
        var options = new DistillationMulticlassTrainer.Options { Student = new MlpStudent { HiddenLayers = [64, 32] }, NumberOfEpochs = 30, Seed = 2 };
        var student = ml.MulticlassClassification.Trainers.Distillation(options).Fit(train);

        var result = ml.Distillation.Prune(student, train, options, new PruningOptions { KeepFraction = 0.5, FineTuningEpochs = 15 });

        Assert.Equal([64, 32], result.OriginalWidths);
        Assert.Equal([32, 16], result.PrunedWidths);
        Assert.Equal("pruned MLP 64-32-16-10", result.Student.Architecture);
        Assert.Equal(64 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10, result.OriginalParameterCount);
        Assert.Equal(64 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10, result.PrunedParameterCount);
        Assert.Equal(result.PrunedParameterCount, result.Student.ParameterCount);
        Assert.Equal(15, result.Student.TrainingHistory.Count);
        Assert.True(result.Student.ToOnnx().Length < student.ToOnnx().Length);

        double before = ml.MulticlassClassification.Evaluate(student.Transform(split.TestSet)).MicroAccuracy;
        double after = ml.MulticlassClassification.Evaluate(result.Student.Transform(split.TestSet)).MicroAccuracy;
        Assert.True(after > 0.9 && after > before - 0.03, $"accuracy {before:F4} before pruning, {after:F4} after");
        MatchesOnnxAndReloads(ml, result.Student, split.TestSet);
    }

    [Fact]
    public void Cnn_channels_and_dense_units_are_pruned_and_the_chain_holding_the_student_is_accepted()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.KeyedDigits(ml, 800), 0.25, seed: 1);
        var options = new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, Student = new CnnStudent { InputShape = [1, 8, 8], ConvChannels = [8, 16], DenseLayers = [32] }, NumberOfEpochs = 60, Seed = 3,
        };
        var chain = ml.Transforms.CopyColumns("Copy", "Features").Append(ml.MulticlassClassification.Trainers.Distillation(options)).Fit(split.TrainSet);

        var result = ml.Distillation.Prune(chain, split.TrainSet, options, new PruningOptions { Widths = [4, 8, 16], FineTuningEpochs = 30 });

        Assert.Equal([8, 16, 32], result.OriginalWidths);
        Assert.Equal("pruned CNN 1x8x8 conv4-conv8-dense16-10", result.Student.Architecture);
        // conv 1→4 (3×3), conv 4→8 (3×3), dense 8·2·2 → 16, dense 16 → 10.
        Assert.Equal(4 * 9 + 4 + 8 * 4 * 9 + 8 + 32 * 16 + 16 + 16 * 10 + 10, result.PrunedParameterCount);
        double before = ml.MulticlassClassification.Evaluate(chain.Transform(split.TestSet)).MicroAccuracy;
        double accuracy = ml.MulticlassClassification.Evaluate(result.Student.Transform(split.TestSet)).MicroAccuracy;
        Assert.True(accuracy > 0.8, $"accuracy {before:F4} before pruning, {accuracy:F4} after");
        MatchesOnnxAndReloads(ml, result.Student, split.TestSet);
    }

    [Fact]
    public void Binary_student_pruned_to_explicit_width_from_a_fasttree_teacher()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.BreastCancer(ml), testFraction: 0.3, seed: 1);
        var fastTree = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 50).Fit(split.TrainSet);
        var train = ml.Data.Cache(ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree)).Fit(split.TrainSet).Transform(split.TrainSet));
        var options = new DistillationBinaryTrainer.Options { Student = new MlpStudent { HiddenLayers = [32] }, NumberOfEpochs = 60, Seed = 1 };
        var student = ml.BinaryClassification.Trainers.Distillation(options).Fit(train);

        var result = ml.Distillation.Prune(student, train, options, new PruningOptions { Widths = [4], FineTuningEpochs = 30, Steps = 2 });

        Assert.Equal([4], result.PrunedWidths);
        Assert.Equal(30 * 4 + 4 + 4 + 1, result.Student.ParameterCount);
        Assert.Equal(30, result.Student.TrainingHistory.Count); // the last of the two steps
        double auc = ml.BinaryClassification.Evaluate(result.Student.Transform(split.TestSet)).AreaUnderRocCurve;
        Assert.True(auc > 0.95, $"AUC {auc:F4}");
        MatchesOnnxAndReloads(ml, result.Student, split.TestSet);
    }

    [Fact]
    public void Regression_student_pruned_predicts_in_the_labels_units()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.Concrete(ml), testFraction: 0.3, seed: 1);
        var lightGbm = ml.Regression.Trainers.LightGbm().Fit(split.TrainSet);
        var train = ml.Data.Cache(ml.Transforms.TeacherScore(Teacher.FromTransformer(lightGbm)).Fit(split.TrainSet).Transform(split.TrainSet));
        var options = new DistillationRegressionTrainer.Options { Student = new MlpStudent { HiddenLayers = [64] }, NumberOfEpochs = 100, Seed = 1 };
        var student = ml.Regression.Trainers.Distillation(options).Fit(train);

        var result = ml.Distillation.Prune(student, train, options, new PruningOptions { KeepFraction = 0.25, FineTuningEpochs = 60, Criterion = PruningCriterion.WeightMagnitude });

        Assert.Equal([16], result.PrunedWidths);
        double before = ml.Regression.Evaluate(student.Transform(split.TestSet)).RSquared;
        double after = ml.Regression.Evaluate(result.Student.Transform(split.TestSet)).RSquared;
        Assert.True(after > 0.75, $"R² {before:F4} before pruning, {after:F4} after");
        MatchesOnnxAndReloads(ml, result.Student, split.TestSet);
    }

    [Fact]
    public void Keeping_every_unit_without_learning_returns_the_same_student()
    {
        // Fine-tuning at a learning rate of 1e-10 moves no weight measurably: what comes out is the unfolded network
        // folded back with the new Fit's statistics (other rows than the original Fit's), which must be the original.
        var ml = new MLContext(0);
        var concrete = TestData.Concrete(ml);
        var options = new DistillationRegressionTrainer.Options { TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [16, 8] }, NumberOfEpochs = 20, Seed = 1 };
        var student = ml.Regression.Trainers.Distillation(options).Fit(ml.Data.TakeRows(concrete, 500));
        var still = new DistillationRegressionTrainer.Options { TeacherColumnName = null, Student = options.Student, LearningRate = 1e-10f, Seed = 5 };
        var result = ml.Distillation.Prune(student, concrete, still, new PruningOptions { KeepFraction = 1, FineTuningEpochs = 1 });
        Assert.Equal([16, 8], result.PrunedWidths);
        Tolerance.Close(TestData.Scalars(student.Transform(concrete), "Score").Select(s => (double)s).ToArray(),
            TestData.Scalars(result.Student.Transform(concrete), "Score").Select(s => (double)s).ToArray(), 1e-3, 1e-5, "Score");

        var digits = TestData.KeyedDigits(ml, 300);
        var multiclass = new DistillationMulticlassTrainer.Options { TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [32] }, NumberOfEpochs = 10, Seed = 1 };
        var classifier = ml.MulticlassClassification.Trainers.Distillation(multiclass).Fit(ml.Data.TakeRows(digits, 150));
        multiclass.LearningRate = 1e-10f;
        var same = ml.Distillation.Prune(classifier, digits, multiclass, new PruningOptions { KeepFraction = 1, FineTuningEpochs = 1 }).Student;
        Tolerance.Close(TestData.Column(classifier.Transform(digits), "Score").SelectMany(s => s).Select(s => (double)s).ToArray(),
            TestData.Column(same.Transform(digits), "Score").SelectMany(s => s).Select(s => (double)s).ToArray(), 1e-5, 0, "Score");
    }

    [Fact]
    public void Bad_options_are_refused_by_name()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var options = new DistillationMulticlassTrainer.Options { TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [16] }, NumberOfEpochs = 1, Seed = 1 };
        var student = ml.MulticlassClassification.Trainers.Distillation(options).Fit(data);

        Assert.Contains("KeepFraction", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.Prune(student, data, options, new PruningOptions { KeepFraction = 0 })).Message);
        Assert.Contains("KeepFraction", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.Prune(student, data, options, new PruningOptions { KeepFraction = 1.5 })).Message);
        var larger = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.Prune(student, data, options, new PruningOptions { Widths = [32] }));
        Assert.Contains("Widths[0] is 32", larger.Message);
        Assert.Contains("current width 16", larger.Message);
        Assert.Contains("1 prunable layers", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.Prune(student, data, options, new PruningOptions { Widths = [8, 4] })).Message);
        Assert.Contains("FineTuningEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.Prune(student, data, options, new PruningOptions { FineTuningEpochs = 0 })).Message);
        Assert.Contains("Steps", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.Prune(student, data, options, new PruningOptions { Steps = 0 })).Message);

        var notAStudent = ml.Transforms.CopyColumns("Copy", "Features").Fit(data);
        Assert.Contains("no distilled student", Assert.Throws<ArgumentException>(() => ml.Distillation.Prune(notAStudent, data, options)).Message);
        Assert.Contains("MulticlassClassification", Assert.Throws<ArgumentException>(() =>
            ml.Distillation.Prune(student, data, new DistillationBinaryTrainer.Options { TeacherColumnName = null })).Message);
        var linear = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        { TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [] }, NumberOfEpochs = 1 }).Fit(data);
        Assert.Contains("no hidden layer", Assert.Throws<ArgumentException>(() => ml.Distillation.Prune(linear, data, options)).Message);
    }

    [Fact]
    public void A_custom_student_with_layers_pruning_cannot_rebuild_is_refused_naming_the_layer_before_any_row_is_read()
    {
        var ml = new MLContext(0);
        var digits = TestData.KeyedDigits(ml, 100);
        DistillationMulticlassTrainer.Options Custom(Func<int, int, TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> factory,
            int[]? shape = null) => new()
            {
                TeacherColumnName = null, NumberOfEpochs = 1, Seed = 1,
                Student = new TorchSharpStudent(factory) { InputShape = shape },
            };

        // A Tanh between the hidden layers: the fine-tuning network is built of ReLU layers only.
        var tanh = Custom((inputs, classes) => TorchSharp.torch.nn.Sequential(
            ("body", TorchSharp.torch.nn.Sequential(TorchSharp.torch.nn.Linear(inputs, 8), TorchSharp.torch.nn.ReLU(), TorchSharp.torch.nn.Linear(8, 8), TorchSharp.torch.nn.Tanh())),
            ("head", TorchSharp.torch.nn.Linear(8, classes))));
        var tanhStudent = ml.MulticlassClassification.Trainers.Distillation(tanh).Fit(digits);
        var refused = Assert.Throws<ArgumentException>(() => ml.Distillation.Prune(tanhStudent, digits, tanh));
        Assert.Contains("Tanh, 'body.3'", refused.Message);

        // A strided convolution: pruning handles the built-in CNN's square, stride-1 form.
        var strided = Custom((inputs, classes) => TorchSharp.torch.nn.Sequential(TorchSharp.torch.nn.Conv2d(1, 4, 3, stride: 2), TorchSharp.torch.nn.ReLU(),
            TorchSharp.torch.nn.Flatten(), TorchSharp.torch.nn.Linear(4 * 3 * 3, classes)), shape: [1, 8, 8]);
        var stridedStudent = ml.MulticlassClassification.Trainers.Distillation(strided).Fit(digits);
        var stride = Assert.Throws<ArgumentException>(() => ml.Distillation.Prune(stridedStudent, digits, strided));
        Assert.Contains("stride", stride.Message);
        Assert.Contains("convolution", stride.Message);
    }
}
