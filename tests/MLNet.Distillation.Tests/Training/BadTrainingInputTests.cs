using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>
/// The catalogue of bad training inputs: options, loss recipes, columns, label types of every task, data faults, teachers
/// whose outputs mean something else than the label, and divergence. Each is refused with an error that names what is
/// wrong — before training where it can be known before training — and none trains a student on wrong data silently.
/// </summary>
public sealed class BadTrainingInputTests
{
    private static DistillationMulticlassTrainer.Options Quick(string? teacher = DefaultColumnNames.TeacherLogits) => new()
    {
        TeacherColumnName = teacher, Student = new MlpStudent { HiddenLayers = [8] }, NumberOfEpochs = 2, Seed = 1,
    };

    private static Teacher TinyCnn() => Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });

    /// <summary>A student trained on the digits in their file order, as an ONNX teacher that does not name its classes.</summary>
    private static readonly Lazy<byte[]> TrainedDigitsTeacher = new(() =>
    {
        var ml = new MLContext(0);
        var keyed = Keyed(ml, Enumerable.Range(0, 10));
        return ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, hiddenLayers: [32], seed: 1).Fit(keyed).ToOnnx();
    });

    /// <summary>The 1,797 digits with the label mapped to keys in the given digit order.</summary>
    private static IDataView Keyed(MLContext ml, IEnumerable<int> order)
    {
        var keys = ml.Data.LoadFromEnumerable(order.Select(d => new KeyValue { Value = d.ToString() }));
        var digits = TestData.Digits(ml, 1797);
        return ml.Data.Cache(ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys).Fit(digits).Transform(digits));
    }

    private static void FitMulticlass(MLContext ml, DistillationMulticlassTrainer.Options options, IDataView data) => ml.MulticlassClassification.Trainers.Distillation(options).Fit(data);

    private static void Distil(MLContext ml, Teacher teacher, IDataView data, DistillationMulticlassTrainer.Options? options = null)
        => ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(options ?? Quick())).Fit(data);

    private static readonly Dictionary<string, Func<MLContext, BadInputCase>> Cases = new()
    {
        // Options, refused when the trainer is built.
        ["alpha above 1"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(alpha: 1.5f), "Alpha", "1.5"),
        ["temperature 0"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(temperature: 0), "Temperature"),
        ["temperature NaN"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Distillation(temperature: float.NaN), "Temperature", "NaN"),
        ["temperature 1e20"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(temperature: 1e20f), "Options.Temperature", "(0, 100]", "1E+20"),
        ["temperature 1e20 in a recipe term"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Losses = [new("kd", 1, new Dictionary<string, double> { ["temperature"] = 1e20 })] }), "'kd'", "temperature", "(0, 100]", "1E+20"),
        ["temperature 1e20 in a binary recipe term"] = ml => BadInputCase.Of<ArgumentException>(() => ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { Losses = [new("soft-bce", 1, new Dictionary<string, double> { ["temperature"] = 1e20 })] }), "'soft-bce'", "(0, 100]"),
        ["temperature 1e20 in a search"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.Distillation.SearchTemperatureAndAlpha(TestData.KeyedDigits(ml, 20), Quick(), new DistillationSearchOptions { Temperatures = [4, 1e20f] }), "Temperatures", "(0, 100]", "1E+20"),
        ["no epochs"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(numberOfEpochs: 0), "NumberOfEpochs"),
        ["batch size 0"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { BatchSize = 0 }), "BatchSize"),
        ["learning rate 0"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Distillation(learningRate: 0), "LearningRate"),
        ["learning rate infinite"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(learningRate: float.PositiveInfinity), "LearningRate"),
        ["negative weight decay"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { WeightDecay = -1 }), "WeightDecay"),
        ["validation fraction 1"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { ValidationFraction = 1 }), "ValidationFraction"),
        ["patience 0"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { EarlyStoppingPatience = 0 }), "EarlyStoppingPatience"),
        ["undefined sparse step"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { SparseFeatureStep = (SparseFeatureStep)7 }), "SparseFeatureStep", "not 7"),
        ["no threads"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { NumberOfThreads = 0 }), "NumberOfThreads"),
        ["no student"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Student = null! }), "Student"),
        ["empty label name"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(labelColumnName: ""), "LabelColumnName"),
        ["empty checkpoint folder"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { CheckpointDirectory = "" }), "CheckpointDirectory"),
        ["unknown device"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, new DistillationMulticlassTrainer.Options { TeacherColumnName = null, Device = "tpu" }, TestData.KeyedDigits(ml, 20)), "Device", "'tpu'"),
        ["missing checkpoint folder"] = ml => BadInputCase.Of<DirectoryNotFoundException>(() => FitMulticlass(ml, new DistillationMulticlassTrainer.Options { TeacherColumnName = null, CheckpointDirectory = "/nonexistent/checkpoints" }, TestData.KeyedDigits(ml, 20)), "/nonexistent/checkpoints"),
        ["cnn shape of the wrong size"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => FitMulticlass(ml, new DistillationMulticlassTrainer.Options { TeacherColumnName = null, Student = new CnnStudent { InputShape = [1, 8, 9] } }, TestData.KeyedDigits(ml, 20)), "InputShape", "72", "64"),

        // Loss recipes, refused when the trainer is built.
        ["unknown loss term"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Losses = [new("dkd-typo", 1)] }), "'dkd-typo'", "ce, dkd, hint, kd, logit-mse"),
        ["unknown loss setting"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Losses = [new("kd", 1, new Dictionary<string, double> { ["temprature"] = 4 })] }), "'temprature'", "'temperature'"),
        ["teacher term without teacher"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { TeacherColumnName = null, Losses = [new("kd", 1)] }), "'kd'", "TeacherColumnName is null"),
        ["term of another task"] = ml => BadInputCase.Of<ArgumentException>(() => ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { Losses = [new("ce", 1)] }), "'ce' is for multiclass", "bce"),
        ["alpha beside a recipe"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Alpha = 0.5f, Losses = [new("ce", 1)] }), "Options.Alpha", "Options.Losses"),
        ["every weight zero"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Losses = [new("ce", 0), new("kd", 0)] }), "weight 0"),
        ["setting of a term that takes none"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Losses = [new("ce", 1, new Dictionary<string, double> { ["temperature"] = 2 })] }), "'ce'", "'temperature'", "no settings"),
        ["negative temperature setting"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Losses = [new("kd", 1, new Dictionary<string, double> { ["temperature"] = -1 })] }), "'kd'", "temperature", "-1"),
        ["empty recipe"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options { Losses = [] }), "Options.Losses is empty"),
        ["negative loss weight"] = _ => BadInputCase.Of<ArgumentOutOfRangeException>(() => new LossTerm("kd", -0.5f), "'kd'", "-0.5"),

        // Columns, refused before training (the same check runs on the shape in GetOutputSchema).
        ["no feature column"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(null), ml.Transforms.DropColumns("Features").Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "'Features'", "Concatenate"),
        ["scalar features"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(null), ml.Transforms.CopyColumns("Features", "Label").Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "'Features'", "known-size vector of Single"),
        ["double features"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(null), ml.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Double).Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "'Features'", "ConvertType"),
        ["no label column"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(null), ml.Transforms.DropColumns("Label").Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "'Label'", "not found"),
        ["text label for multiclass"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(null), TestData.Digits(ml, 20)), "'Label'", "MapValueToKey"),
        ["key values the student cannot carry"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(null), ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.UInt32).Append(ml.Transforms.Conversion.MapValueToKey("Label")).Fit(TestData.Digits(ml, 30)).Transform(TestData.Digits(ml, 30))), "'Label'", "UInt32"),
        ["no teacher column"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(), TestData.KeyedDigits(ml, 20)), "'TeacherLogits'", "TeacherScore"),
        ["teacher column of the wrong width"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(), ml.Transforms.Concatenate("TeacherLogits", "Features").Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "'TeacherLogits'", "10 Single values per row"),
        ["teacher column of text"] = ml => BadInputCase.Of<ArgumentException>(() => FitMulticlass(ml, Quick(), ml.Transforms.Conversion.MapKeyToValue("TeacherLogits", "Label").Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "'TeacherLogits'"),
        ["validation data of another width"] = ml => BadInputCase.Of<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(Quick(null)).Fit(TestData.KeyedDigits(ml, 20),
            ml.Transforms.Concatenate("Features", "Features", "Features").Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "Validation data", "128", "64"),

        // Binary and regression labels and teachers.
        ["text label for binary"] = ml => BadInputCase.Of<ArgumentException>(() => ml.BinaryClassification.Trainers.Distillation(teacherColumnName: null).Fit(TestData.Digits(ml, 20)), "'Label'", "Boolean"),
        ["binary Single label of 2"] = ml => BadInputCase.Of<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1)
            .Fit(ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Single).Fit(TestData.Digits(ml, 20)).Transform(TestData.Digits(ml, 20))), "'Label' holds 2", "0, 1"),
        ["multiclass teacher for a binary student"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Transforms.TeacherScore(TinyCnn()).Append(ml.BinaryClassification.Trainers.Distillation())
            .Fit(ml.Transforms.Expression("Label", "x : x == \"3\"", "Label").Fit(TestData.Digits(ml, 30)).Transform(TestData.Digits(ml, 30))), "multiclass teacher", "binary teacher"),
        ["Double label for regression"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Regression.Trainers.Distillation(teacherColumnName: null)
            .Fit(ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Double).Fit(TestData.Concrete(ml)).Transform(TestData.Concrete(ml))), "'Label' must be Single", "ConvertType"),
        ["key label for regression"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Regression.Trainers.Distillation(teacherColumnName: null).Fit(TestData.KeyedDigits(ml, 20)), "'Label' must be Single"),
        ["temperature for regression"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options { Temperature = 2 }), "Temperature", "regression"),
        ["classifier teacher for regression"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Transforms.TeacherScore(TinyCnn()).Append(ml.Regression.Trainers.Distillation(labelColumnName: "Target"))
            .Fit(ml.Transforms.Conversion.ConvertType("Target", "Label", DataKind.Single).Fit(TestData.Digits(ml, 30)).Transform(TestData.Digits(ml, 30))), "is a classifier"),
        ["infinite regression label"] = ml => BadInputCase.Of<InvalidOperationException>(() => ml.Regression.Trainers.Distillation(teacherColumnName: null)
            .Fit(ml.Transforms.Expression("Label", "x : x / 0", "Label").Fit(TestData.Concrete(ml)).Transform(TestData.Concrete(ml))), "'Label' holds", "Infinity"),

        // Data faults, found while the rows are read.
        ["NaN features"] = ml => BadInputCase.Of<InvalidOperationException>(() => FitMulticlass(ml, Quick(null), ml.Transforms.Expression("Features", "x : x / 0 * 0", "Features").Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "'Features'", "NaN", "ReplaceMissingValues"),
        ["rows shorter than their declared size"] = ml => BadInputCase.Of<InvalidOperationException>(() => FitMulticlass(ml, Quick(null), new ShortRows(TestData.KeyedDigits(ml, 20))), "'Features' declares 64 values per row", "row 3 holds 10"),
        ["no labelled row with label terms"] = ml => BadInputCase.Of<InvalidOperationException>(() => Distil(ml, TinyCnn(), TestData.DigitsInMemory(0, 50).WithLabelsOnly(new HashSet<int>())), "No training row has a label in column 'Label'"),
        ["infinite teacher outputs"] = ml => BadInputCase.Of<InvalidOperationException>(() => FitMulticlass(ml, Quick(), ml.Data.LoadFromEnumerable(InfiniteTeacherRows())), "'TeacherLogits'", "Infinity", "row 5"),

        // Teachers whose outputs mean something else than the label.
        ["teacher classes named in another order"] = ml => BadInputCase.Of<ArgumentException>(() => Distil(ml, Teacher.FromOnnx(TinyCnnReference.ModelPath,
            new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits", ClassNames = Enumerable.Range(0, 10).Select(i => $"{9 - i}").ToArray() }), TestData.KeyedDigits(ml, 50)), "'TeacherLogits'", "9, 8, 7", "MapValueToKey"),
        ["label keys reversed against an unnamed teacher"] = ml => BadInputCase.Of<ArgumentException>(() => Distil(ml, Teacher.FromOnnx(new MemoryStream(TrainedDigitsTeacher.Value), new OnnxTeacherOptions { OnnxOutputName = "Logits" }),
            Keyed(ml, Enumerable.Range(0, 10).Reverse())), "'TeacherLogits'", "another class order", "keyData", "ClassNames"),
        ["two classes swapped against an unnamed teacher"] = ml => BadInputCase.Of<ArgumentException>(() => Distil(ml, Teacher.FromOnnx(new MemoryStream(TrainedDigitsTeacher.Value), new OnnxTeacherOptions { OnnxOutputName = "Logits" }),
            Keyed(ml, [1, 0, 2, 3, 4, 5, 6, 7, 8, 9])), "2 of its 10 classes", "another class order"),
        ["binary teacher with the other positive class"] = ml => BadInputCase.Of<ArgumentException>(() => FlippedBinaryTeacher(ml), "'TeacherLogits'", "positive class", "negative class"),
        ["regression teacher predicting something else"] = ml => BadInputCase.Of<ArgumentException>(() => NegatedRegressionTeacher(ml), "correlates negatively", "'Label'"),
        ["regression teacher trained on the label × 10"] = ml => BadInputCase.Of<ArgumentException>(() => RegressionTeacherOf(ml, "x : x * 10"),
            "'TeacherLogits'", "'Label'", "another scale", "label ≈ 0.1", "spread is 9.", "label's units"),
        ["regression teacher trained on the log of the label"] = ml => BadInputCase.Of<ArgumentException>(() => RegressionTeacherOf(ml, "x : ln(x)"),
            "'TeacherLogits'", "another scale", "rank correlation 0.9"),
        ["regression teacher trained on the standardised label"] = ml => BadInputCase.Of<ArgumentException>(() => RegressionTeacherOf(ml, "x : (x - 35.8) / 16.7"),
            "'TeacherLogits'", "another scale", "label standard deviations off"),
        ["labels shifted by one against a teacher that names its classes"] = ml => BadInputCase.Of<ArgumentException>(() => Distil(ml, NamedDigitsTeacher(), ShiftedLabels(ml)),
            "'TeacherLogits'", "names its classes as label 'Label' does", "the labels look permuted", "rows labelled '0' → the teacher's '9', '1' → the teacher's '0'", "Alpha = 0"),

        // Divergence stops the Fit instead of returning a student with NaN weights.
        ["learning rate 1e30"] = ml => BadInputCase.Of<InvalidOperationException>(() => FitMulticlass(ml, new DistillationMulticlassTrainer.Options { TeacherColumnName = null, LearningRate = 1e30f, NumberOfEpochs = 5, Seed = 1 }, TestData.KeyedDigits(ml, 200)), "diverged in epoch", "LearningRate"),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_input_is_refused_with_an_error_that_names_it(string name) => Cases[name](new MLContext(0)).Check();

    [Fact]
    public void A_finite_but_exploded_loss_is_reported()
    {
        // AdamW's bounded steps keep even a learning rate of 1e6 finite: the loss explodes to about 1e14 instead of NaN.
        var ml = new MLContext(0);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
        FitMulticlass(ml, new DistillationMulticlassTrainer.Options { TeacherColumnName = null, LearningRate = 1e6f, NumberOfEpochs = 5, Seed = 1 }, TestData.KeyedDigits(ml, 200));
        Assert.Contains(warnings, w => w.Contains("weights have blown up") && w.Contains("LearningRate"));
    }

    [Fact]
    public void The_catalogue_covers_every_area_of_training_input() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    [Fact]
    public void A_regression_teacher_in_the_label_units_trains_without_a_word_and_one_off_by_a_label_deviation_is_reported()
    {
        Assert.DoesNotContain(RegressionWarnings(ml => RegressionTeacherOf(ml, "x : x")), w => w.Contains("scale"));
        // 20 MPa more than the label (whose standard deviation is 16.7 MPa): could be a teacher of another population, so trained with a warning.
        Assert.Contains(RegressionWarnings(ml => RegressionTeacherOf(ml, "x : x + 20")), w => w.Contains("'TeacherLogits' may predict label 'Label' on another scale or offset")
            && w.Contains("label standard deviations off"));
    }

    [Fact]
    public void Shifted_labels_beside_a_named_teacher_are_a_warning_when_they_carry_no_weight()
    {
        var ml = new MLContext(0);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
        var options = Quick();
        options.Alpha = 0;
        Distil(ml, NamedDigitsTeacher(), ShiftedLabels(ml), options);
        Assert.Contains(warnings, w => w.Contains("the labels look permuted") && w.Contains("carry no weight"));
    }

    private static List<string> RegressionWarnings(Action<MLContext> fit)
    {
        var ml = new MLContext(0);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
        fit(ml);
        return warnings;
    }

    /// <summary>A FastTree teacher trained on the concrete strengths transformed by <paramref name="target"/>, distilled into a student of the strengths themselves.</summary>
    private static void RegressionTeacherOf(MLContext ml, string target)
    {
        var data = TestData.Concrete(ml);
        var transformed = ml.Transforms.Expression("Label", target, "Label").Fit(data).Transform(data);
        var teacher = ml.Regression.Trainers.FastTree(numberOfTrees: 20).Fit(transformed);
        ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher)).Append(ml.Regression.Trainers.Distillation(numberOfEpochs: 1)).Fit(data);
    }

    /// <summary>The digits teacher of <see cref="TrainedDigitsTeacher"/>, naming its classes "0".."9" as the label's keys.</summary>
    private static Teacher NamedDigitsTeacher() => Teacher.FromOnnx(new MemoryStream(TrainedDigitsTeacher.Value),
        new OnnxTeacherOptions { OnnxOutputName = "Logits", ClassNames = Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray() });

    /// <summary>The digits with every label shifted by one class (a 0 labelled '1', ..., a 9 labelled '0'), keys in the order 0..9.</summary>
    private static IDataView ShiftedLabels(MLContext ml)
    {
        var digits = TestData.Digits(ml, 1797);
        var shift = Enumerable.Range(0, 10).Select(d => new KeyValuePair<string, string>(d.ToString(), ((d + 1) % 10).ToString()));
        var keys = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(d => new KeyValue { Value = d.ToString() }));
        return ml.Data.Cache(ml.Transforms.Conversion.MapValue("Label", shift, "Label")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys)).Fit(digits).Transform(digits));
    }

    private static void FlippedBinaryTeacher(MLContext ml)
    {
        var data = TestData.BreastCancer(ml);
        var teacher = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 20).Fit(data);
        var flipped = ml.Transforms.Expression("Label", "x : !x", "Label").Fit(data).Transform(data); // the label now means "benign"
        ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher)).Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 1)).Fit(flipped);
    }

    private static void NegatedRegressionTeacher(MLContext ml)
    {
        var data = TestData.Concrete(ml);
        var teacher = ml.Regression.Trainers.FastTree(numberOfTrees: 20).Fit(data);
        var negated = ml.Transforms.Expression("Label", "x : -x", "Label").Fit(data).Transform(data);
        ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher)).Append(ml.Regression.Trainers.Distillation(numberOfEpochs: 1)).Fit(negated);
    }

    private static IEnumerable<TeacherRow> InfiniteTeacherRows()
        => Enumerable.Range(0, 10).Select(i => new TeacherRow { Features = new float[4], Label = (uint)(i % 2 + 1), TeacherLogits = [i == 5 ? float.PositiveInfinity : 0f, 0f] });

    private sealed class KeyValue
    {
        public string Value { get; set; } = "";
    }

    private sealed class TeacherRow
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        [KeyType(2)] public uint Label { get; set; }
        [VectorType(2)] public float[] TeacherLogits { get; set; } = [];
    }

    /// <summary>A data view that declares 64 features per row but hands out 10 for row 3: a source that breaks its own schema.</summary>
    private sealed class ShortRows(IDataView inner) : IDataView
    {
        public bool CanShuffle => false;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => inner.GetRowCount();
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(inner.GetRowCursor(columnsNeeded));
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded)];

        private sealed class Cursor(DataViewRowCursor source) : DataViewRowCursor
        {
            public override DataViewSchema Schema => source.Schema;
            public override long Position => source.Position;
            public override long Batch => source.Batch;
            public override bool MoveNext() => source.MoveNext();
            public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();
            public override bool IsColumnActive(DataViewSchema.Column column) => source.IsColumnActive(column);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                var getter = source.GetGetter<TValue>(column);
                if (column.Name != "Features")
                    return getter;
                return (ref TValue value) =>
                {
                    getter(ref value);
                    if (Position == 3 && value is VBuffer<float> full)
                        value = (TValue)(object)new VBuffer<float>(10, full.DenseValues().Take(10).ToArray());
                };
            }
        }
    }
}
