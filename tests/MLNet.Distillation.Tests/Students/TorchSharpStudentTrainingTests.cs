using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Students;

/// <summary>Custom TorchSharp students trained end to end through the three tasks' catalogs on real data, saved, reloaded and exported.</summary>
public sealed class TorchSharpStudentTrainingTests
{
    /// <summary>A small conv net with BatchNorm reading the 8×8 digits.</summary>
    private static TorchSharpStudent ConvNet() => new((inputs, classes) => nn.Sequential(
        ("features", nn.Sequential(nn.Conv2d(1, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))),
        ("head", nn.Sequential(nn.Flatten(), nn.Dropout(0.1), nn.Linear(8 * 4 * 4, classes)))), "digits-conv")
    {
        InputShape = [1, 8, 8],
    };

    private static Teacher CnnTeacher() => Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });

    private static DistillationMulticlassTrainer.Options Options(TorchSharpStudent student, int seed = 3) => new()
    {
        Student = student, NumberOfEpochs = 30, BatchSize = 64, LearningRate = 5e-3f, Seed = seed,
    };

    [Fact]
    public void A_conv_student_with_batchnorm_distils_digits_saves_reloads_and_exports()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 500);
        var test = TestData.KeyedDigits(ml, 200, skip: 500);
        using var teacher = CnnTeacher();
        var model = ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(Options(ConvNet()))).Fit(train);
        var student = model.LastTransformer;
        Assert.StartsWith("digits-conv Conv2d(1→8, 3×3 pad 1,1,1,1) → BatchNorm2d(8, eps 1E-05, momentum 0.1) → ReLU → MaxPool2d(2×2 stride 2×2) → Flatten", student.Architecture);
        Assert.Equal(8 * 9 + 8 + 8 * 2 + 128 * 10 + 10, student.ParameterCount);

        var scored = model.Student().Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var labelsOnly = Options(ConvNet());
        labelsOnly.TeacherColumnName = null;
        var baseline = ml.MulticlassClassification.Evaluate(ml.MulticlassClassification.Trainers.Distillation(labelsOnly).Fit(train).Transform(test));
        // The tiny ONNX teacher bounds what the distilled student reaches; from labels alone the same network does better here.
        Assert.True(metrics.MicroAccuracy > 0.75, $"accuracy {metrics.MicroAccuracy:P1}, from labels {baseline.MicroAccuracy:P1}");
        Assert.True(baseline.MicroAccuracy > 0.85, $"from labels {baseline.MicroAccuracy:P1}");

        var zip = Path.Combine(Path.GetTempPath(), $"custom-student-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Distillation.SaveStudent(model, train.Schema, zip);
            var reloaded = new MLContext(1).Distillation.LoadModel(zip, out _);
            Assert.Equal(TestData.Column(scored, "Score"), TestData.Column(reloaded.Transform(test), "Score"));
        }
        finally { File.Delete(zip); }

        // The batch-layout ONNX scores as the ML.NET pipeline does.
        using var session = new InferenceSession(student.ToOnnx());
        var features = TestData.Column(test, "Features").Take(20).SelectMany(r => r).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(features, [20, 64]);
        using var outputs = session.Run(new RunOptions(), ["Features"], [value], ["Score"]);
        var onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var pipeline = TestData.Column(scored, "Score").Take(20).SelectMany(r => r).ToArray();
        for (int i = 0; i < onnx.Length; i++)
            Assert.True(Math.Abs(onnx[i] - pipeline[i]) < 1e-5, $"score {i}: ONNX {onnx[i]}, pipeline {pipeline[i]}");
    }

    [Fact]
    public void Same_seed_gives_the_same_custom_student_bit_for_bit()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 200);
        // The exported graph holds every weight (and BatchNorm's running statistics, folded): equal bytes, equal students.
        byte[] Weights(int seed)
        {
            var options = Options(ConvNet(), seed);
            options.TeacherColumnName = null;
            options.NumberOfEpochs = 3;
            return ml.MulticlassClassification.Trainers.Distillation(options).Fit(train).ToOnnx();
        }
        var first = Weights(5);
        Assert.Equal(first, Weights(5));
        Assert.NotEqual(first, Weights(6));
    }

    [Fact]
    public void A_custom_binary_student_trains_on_breast_cancer()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.BreastCancer(ml), testFraction: 0.3, seed: 1);
        var fastTree = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 30).Fit(split.TrainSet);
        var student = new TorchSharpStudent((inputs, outputs) => nn.Sequential(
            nn.Linear(inputs, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Linear(16, 8), nn.GELU(), nn.Linear(8, outputs)))
        { StandardizeInputs = true };
        var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { Student = student, NumberOfEpochs = 60, Seed = 1 }))
            .Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        Assert.True(metrics.AreaUnderRocCurve > 0.95, $"AUC {metrics.AreaUnderRocCurve:F3}");
    }

    [Fact]
    public void A_custom_regression_student_predicts_concrete_strength_in_mpa()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.Concrete(ml), testFraction: 0.3, seed: 1);
        var lightGbm = ml.Regression.Trainers.LightGbm().Fit(split.TrainSet);
        // BatchNorm first (no layer to fold into: exported as scale and shift), LeakyReLU, and a module that ends with an activation,
        // so the target scaling is a layer of its own.
        var student = new TorchSharpStudent((inputs, outputs) => nn.Sequential(
            nn.BatchNorm1d(inputs), nn.Linear(inputs, 32), nn.LeakyReLU(0.1), nn.Linear(32, outputs), nn.LeakyReLU(0.5)))
        { StandardizeInputs = true };
        var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(lightGbm))
            .Append(ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options { Student = student, NumberOfEpochs = 80, Seed = 1 }))
            .Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        var metrics = ml.Regression.Evaluate(scored);
        Assert.True(metrics.RSquared > 0.7, $"R² {metrics.RSquared:F3}");
        Assert.InRange(TestData.Scalars(scored, "Score").Average() - TestData.Scalars(scored, "Label").Average(), -4, 4);
    }

    private sealed class Residual : nn.Module<Tensor, Tensor>
    {
        private readonly Linear inner;
        public Residual(int size) : base("residual") { inner = nn.Linear(size, size); RegisterComponents(); }
        public override Tensor forward(Tensor x) => x + inner.forward(x);
    }

    [Fact]
    public void Unsupported_modules_and_wrong_output_sizes_are_refused_before_any_row_is_read()
    {
        var ml = new MLContext(0);
        var train = new PassCountingDataView(TestData.KeyedDigits(ml, 100), canShuffle: true);
        var options = Options(new TorchSharpStudent((i, k) => nn.Sequential(("body", nn.Sequential(nn.Linear(i, 16), new Residual(16))), ("head", nn.Linear(16, k)))));
        options.TeacherColumnName = null;
        var e = Assert.Throws<NotSupportedException>(() => ml.MulticlassClassification.Trainers.Distillation(options).Fit(train));
        Assert.StartsWith("Student layer 'body.1' (Residual) is a module with sub-modules of its own", e.Message);
        Assert.Equal(0, train.Passes);

        options.Student = new TorchSharpStudent((i, k) => nn.Sequential(nn.Linear(i, 16), nn.ReLU(), nn.Linear(16, 7)), "too-few");
        var wrong = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(options).Fit(train));
        Assert.Contains("'too-few' ends with [7] values per row, but the trainer needs 10", wrong.Message);

        var shared = nn.Sequential(nn.Linear(64, 10));
        options.Student = new TorchSharpStudent((i, k) => shared);
        Assert.Contains("returned the module it returned before", Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.Distillation(options).Fit(train)).Message);
        Assert.Equal(0, train.Passes);
    }

    [Fact]
    public void A_finished_checkpoint_resumes_a_custom_student_and_one_of_another_module_is_not_resumed()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 150);
        var folder = Directory.CreateTempSubdirectory("custom-checkpoints-").FullName;
        try
        {
            DistillationMulticlassTrainer.Options Checkpointed(int width, List<EpochReport> reports)
            {
                var options = Options(new TorchSharpStudent((i, k) => nn.Sequential(nn.Linear(i, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Linear(width, k)), "same-name"));
                options.TeacherColumnName = null;
                options.NumberOfEpochs = 3;
                options.CheckpointDirectory = folder;
                options.Progress = new SynchronousProgress<EpochReport>(reports.Add);
                return options;
            }
            var firstReports = new List<EpochReport>();
            var first = ml.MulticlassClassification.Trainers.Distillation(Checkpointed(16, firstReports)).Fit(train);
            var againReports = new List<EpochReport>();
            var again = ml.MulticlassClassification.Trainers.Distillation(Checkpointed(16, againReports)).Fit(train);
            Assert.Equal(3, firstReports.Count);
            Assert.Empty(againReports);                         // resumed after its last epoch: nothing left to train
            Assert.Equal(first.ToOnnx(), again.ToOnnx());       // the checkpoint's weights, BatchNorm statistics included
            var otherReports = new List<EpochReport>();
            ml.MulticlassClassification.Trainers.Distillation(Checkpointed(12, otherReports)).Fit(train);
            Assert.Equal(3, otherReports.Count);               // another module under the same name starts afresh
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Exported_custom_students_pass_the_onnx_checker()
    {
        if (!OnnxChecker.Available())
            return;
        random.manual_seed(4);
        var student = new TorchSharpStudent((i, k) => nn.Sequential(
            nn.Conv2d(1, 4, 3, stride: 2, padding: 1), nn.BatchNorm2d(4), nn.GELU(), nn.AvgPool2d(2, count_include_pad: false), nn.BatchNorm2d(4),
            nn.Flatten(), nn.Linear(4 * 2 * 2, 6), nn.LeakyReLU(0.1), nn.Tanh(), nn.Sigmoid(), nn.Linear(6, k)))
        { InputShape = [1, 8, 8] };
        using var network = student.Build(64, 3);
        network.eval();
        var model = new StudentModel(DistillationTask.MulticlassClassification, network.ExportLayers(), "custom", "Features", 64, 3, null);
        foreach (var layout in new[] { OnnxLayout.Batch, OnnxLayout.SingleRow })
            OnnxChecker.Check(StudentOnnxExporter.Export(model, layout), layout.ToString());
    }
}
