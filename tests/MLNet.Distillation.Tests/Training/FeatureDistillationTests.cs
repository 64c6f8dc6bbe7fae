using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>Feature (hint) and relation terms on a chosen student layer and a teacher's intermediate output, through the trainers.</summary>
public sealed class FeatureDistillationTests
{
    private static DistillationMulticlassTrainer.Options HintOptions(List<EpochReport>? reports = null, string? checkpoints = null, bool streaming = false) => new()
    {
        Student = new MlpStudent { HiddenLayers = [16] },
        Losses =
        [
            new(LossNames.CrossEntropy, 0.1f), new(LossNames.KnowledgeDistillation, 0.9f),
            new(LossNames.Hint, 1) { StudentLayer = "hidden1", TeacherColumn = "TeacherFeatures" },
        ],
        NumberOfEpochs = 12, BatchSize = 32, Seed = 3, CheckpointDirectory = checkpoints, Streaming = streaming, StreamingBlockRows = 100,
        Progress = reports is null ? null : new SynchronousProgress<EpochReport>(reports.Add),
    };

    [Fact]
    public void A_hint_term_trains_the_hidden_layer_through_a_projector_left_out_of_the_student()
    {
        var ml = new MLContext(0);
        var scored = TestData.DigitsWithTeacherFeatures(ml, 300);
        var reports = new List<EpochReport>();
        var student = ml.MulticlassClassification.Trainers.Distillation(HintOptions(reports)).Fit(scored);

        Assert.All(reports, r => Assert.True(r.LossTerms.ContainsKey(LossNames.Hint)));
        Assert.True(reports[^1].LossTerms[LossNames.Hint] < 0.5 * reports[0].LossTerms[LossNames.Hint],
            $"hint {reports[0].LossTerms[LossNames.Hint]:0.0000} → {reports[^1].LossTerms[LossNames.Hint]:0.0000}");
        Assert.Equal(64 * 16 + 16 + 16 * 10 + 10, student.ParameterCount); // the 16 → 144 projector trained, but is not the student's
        Assert.Equal("MLP 64-16-10", student.Architecture);
        double accuracy = ml.MulticlassClassification.Evaluate(student.Transform(scored)).MicroAccuracy;
        Assert.True(accuracy > 0.5, $"accuracy {accuracy:P1}");

        // Same seed, same student: the projector's initialisation is seeded too.
        var again = ml.MulticlassClassification.Trainers.Distillation(HintOptions()).Fit(scored);
        Assert.Equal(student.ToOnnx(), again.ToOnnx());
    }

    [Fact]
    public void Streaming_and_checkpoints_carry_the_teacher_features_and_the_projector()
    {
        var ml = new MLContext(0);
        var scored = TestData.DigitsWithTeacherFeatures(ml, 300);
        string folder = Directory.CreateTempSubdirectory("hint-checkpoints").FullName;
        try
        {
            var first = ml.MulticlassClassification.Trainers.Distillation(HintOptions(checkpoints: folder)).Fit(scored);
            // A finished run's checkpoint (network and projector) is read back instead of training again: same student.
            var resumed = ml.MulticlassClassification.Trainers.Distillation(HintOptions(checkpoints: folder)).Fit(scored);
            Assert.Equal(first.ToOnnx(), resumed.ToOnnx());
        }
        finally { Directory.Delete(folder, true); }

        var reports = new List<EpochReport>();
        ml.MulticlassClassification.Trainers.Distillation(HintOptions(reports, streaming: true)).Fit(scored);
        Assert.True(reports[^1].LossTerms[LossNames.Hint] < reports[0].LossTerms[LossNames.Hint]);
    }

    [Fact]
    public void Relation_terms_read_a_cnn_layer_and_serve_binary_and_regression_students()
    {
        var ml = new MLContext(0);
        // CNN student: similarity-preserving KD between its first convolution block and the teacher's feature maps.
        var scored = TestData.DigitsWithTeacherFeatures(ml, 200);
        var reports = new List<EpochReport>();
        ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            Student = new CnnStudent { InputShape = [1, 8, 8], ConvChannels = [4], DenseLayers = [16] },
            Losses = [new(LossNames.CrossEntropy, 1), new(LossNames.SimilarityPreserving, 100) { StudentLayer = "conv1", TeacherColumn = "TeacherFeatures" }],
            NumberOfEpochs = 3, BatchSize = 32, Seed = 1, Progress = new SynchronousProgress<EpochReport>(reports.Add),
        }).Fit(scored);
        Assert.All(reports, r => Assert.True(double.IsFinite(r.LossTerms[LossNames.SimilarityPreserving])));

        // Binary: an ML.NET teacher's standardised input as the teacher side of RKD distance on the student's hidden layer.
        var cancer = ml.Data.Cache(ml.Transforms.NormalizeMeanVariance("Scaled", "Features").Fit(TestData.BreastCancer(ml)).Transform(TestData.BreastCancer(ml)));
        var teacherModel = ml.BinaryClassification.Trainers.FastTree(featureColumnName: "Scaled", numberOfTrees: 20).Fit(cancer);
        using var binaryTeacher = Teacher.FromTransformer(teacherModel);
        var binaryScored = ml.Data.Cache(ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = binaryTeacher, IntermediateOutputs = new Dictionary<string, string> { ["TeacherInput"] = "Scaled" },
        }).Fit(cancer).Transform(cancer));
        var binary = ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
        {
            Losses = [new(LossNames.BinaryCrossEntropy, 0.5f), new(LossNames.SoftBinaryCrossEntropy, 0.5f),
                new(LossNames.RelationDistance, 1) { StudentLayer = "hidden1", TeacherColumn = "TeacherInput" }],
            NumberOfEpochs = 20, Seed = 1,
        }).Fit(binaryScored);
        Assert.True(ml.BinaryClassification.Evaluate(binary.Transform(binaryScored)).AreaUnderRocCurve > 0.95);

        // Regression: a hint from the student's hidden layer to the features a teacher pipeline read, through a projector.
        var concrete = ml.Data.Cache(ml.Transforms.NormalizeMeanVariance("Scaled", "Features").Fit(TestData.Concrete(ml)).Transform(TestData.Concrete(ml)));
        var regressionModel = ml.Regression.Trainers.FastTree(featureColumnName: "Scaled", numberOfTrees: 20).Fit(concrete);
        using var regressionTeacher = Teacher.FromTransformer(regressionModel);
        var regressionScored = ml.Data.Cache(ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = regressionTeacher, IntermediateOutputs = new Dictionary<string, string> { ["TeacherInput"] = "Scaled" },
        }).Fit(concrete).Transform(concrete));
        var regressionReports = new List<EpochReport>();
        ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
        {
            Losses = [new(LossNames.MeanSquaredError, 0.5f), new(LossNames.TeacherMeanSquaredError, 0.5f),
                new(LossNames.Hint, 0.1f) { StudentLayer = "hidden1", TeacherColumn = "TeacherInput" }],
            NumberOfEpochs = 10, Seed = 1, Progress = new SynchronousProgress<EpochReport>(regressionReports.Add),
        }).Fit(regressionScored);
        Assert.True(regressionReports[^1].LossTerms[LossNames.Hint] < regressionReports[0].LossTerms[LossNames.Hint]);
    }

    [Fact]
    public void Layers_columns_and_terms_that_do_not_fit_are_refused_by_name_before_training()
    {
        var ml = new MLContext(0);
        var scored = TestData.DigitsWithTeacherFeatures(ml, 60);
        DistillationMulticlassTrainer.Options With(LossTerm extra) => new()
        {
            Losses = [new(LossNames.CrossEntropy, 1), extra], NumberOfEpochs = 1, Seed = 1,
        };

        var layer = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(
            With(new(LossNames.Hint, 1) { StudentLayer = "conv1", TeacherColumn = "TeacherFeatures" })).Fit(scored));
        Assert.Contains("'conv1'", layer.Message);
        Assert.Contains("hidden1", layer.Message);

        var column = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(
            With(new(LossNames.Hint, 1) { StudentLayer = "hidden1", TeacherColumn = "NoSuchColumn" })).Fit(scored));
        Assert.Contains("'NoSuchColumn'", column.Message);

        var notVector = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(
            With(new(LossNames.Hint, 1) { StudentLayer = "hidden1", TeacherColumn = "Label" })).Fit(scored));
        Assert.Contains("'Label'", notVector.Message);

        var outputsOnly = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(
            With(new(LossNames.KnowledgeDistillation, 1) { StudentLayer = "hidden1" })));
        Assert.Contains("'kd'", outputsOnly.Message);
        Assert.Contains(LossNames.Hint, outputsOnly.Message);

        // A hint from the outputs (10 values) to the logits needs no projector and no extra column: plain logit regression.
        var plain = ml.MulticlassClassification.Trainers.Distillation(With(new(LossNames.Hint, 1)));
        Assert.Equal("1·ce + 1·hint", plain.LossRecipeDescription);
        Assert.Equal("1·hint[hidden1→TeacherFeatures]", new LossTerm(LossNames.Hint, 1) { StudentLayer = "hidden1", TeacherColumn = "TeacherFeatures" }.ToString());
    }
}
