using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers;

/// <summary>
/// The catalogue of bad teacher inputs: ONNX models and their options, ML.NET models, ensembles, the TeacherScore stage
/// and its cache, and sources that pair rows with another row's teacher outputs. Each is refused with an error that names
/// the file, option, column or row at fault.
/// </summary>
public sealed class BadTeacherInputTests
{
    private static readonly string Cnn = TinyCnnReference.ModelPath;

    private static OnnxTeacherOptions CnnOptions(string output = "logits") => new() { InputShape = [1, 8, 8], OnnxOutputName = output };

    private static Teacher TinyCnn() => Teacher.FromOnnx(Cnn, CnnOptions());

    private static string TempFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-teacher-{Guid.NewGuid():N}.bin");
        File.WriteAllText(path, content);
        return path;
    }

    private static void Score(MLContext ml, Teacher teacher, IDataView data, int batchSize = 64, string? cache = null)
    {
        var scored = ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options { Teacher = teacher, BatchSize = batchSize, CacheDirectory = cache }).Fit(data).Transform(data);
        TestData.Column(scored, DefaultColumnNames.TeacherLogits);
    }

    private static void Train(MLContext ml, Teacher teacher, IDataView data)
        => ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(numberOfEpochs: 1, seed: 1)).Fit(data);

    /// <summary>A multiclass student of the digits, as ONNX (outputs Logits and the softmax Score).</summary>
    private static readonly Lazy<byte[]> DigitsStudentOnnx = new(() =>
    {
        var ml = new MLContext(0);
        return ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 10, seed: 1).Fit(TestData.KeyedDigits(ml, 300)).ToOnnx();
    });

    /// <summary>A binary student of the breast-cancer data, as ONNX (outputs Logits, Score and Probability).</summary>
    private static readonly Lazy<byte[]> CancerStudentOnnx = new(() =>
    {
        var ml = new MLContext(0);
        return ml.BinaryClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 5, seed: 1).Fit(TestData.BreastCancer(ml)).ToOnnx();
    });

    private static readonly Dictionary<string, Func<MLContext, BadInputCase>> Cases = new()
    {
        // ONNX models.
        ["missing ONNX file"] = _ => BadInputCase.Of<FileNotFoundException>(() => Teacher.FromOnnx("/nowhere/teacher.onnx"), "/nowhere/teacher.onnx"),
        ["ONNX file that is not a model"] = _ => BadInputCase.Of<InvalidDataException>(() => Teacher.FromOnnx(TempFile("not a model")), "bad-teacher-", "could not be loaded"),
        ["unknown ONNX input name"] = _ => BadInputCase.Of<ArgumentException>(() => Teacher.FromOnnx(Cnn, new OnnxTeacherOptions { OnnxInputName = "pixels", InputShape = [1, 8, 8] }), "'pixels'", "image"),
        ["unknown ONNX output name"] = _ => BadInputCase.Of<ArgumentException>(() => Teacher.FromOnnx(Cnn, CnnOptions("scores")), "'scores'", "logits"),
        ["input shape of the wrong rank"] = _ => BadInputCase.Of<ArgumentException>(() => Teacher.FromOnnx(Cnn, new OnnxTeacherOptions { InputShape = [64] }), "InputShape", "rank"),
        ["class count the output contradicts"] = _ => BadInputCase.Of<ArgumentException>(() => Teacher.FromOnnx(Cnn, new OnnxTeacherOptions { InputShape = [1, 8, 8], ClassCount = 7 }), "ClassCount", "7", "10"),
        ["class names of the wrong count"] = _ => BadInputCase.Of<ArgumentException>(() => Teacher.FromOnnx(Cnn, new OnnxTeacherOptions { InputShape = [1, 8, 8], ClassNames = ["a", "b"] }), "ClassNames", "2 names", "10 classes"),
        ["teacher input column missing"] = ml => BadInputCase.Of<ArgumentException>(() => Score(ml, Teacher.FromOnnx(Cnn, new OnnxTeacherOptions { InputShape = [1, 8, 8], InputColumnName = "Pixels" }), TestData.Digits(ml, 10)), "'Pixels'", "Features"),
        ["teacher input column of the wrong size"] = ml => BadInputCase.Of<ArgumentException>(() => Score(ml, TinyCnn(),
            ml.Transforms.Concatenate("Features", "Features", "Features").Fit(TestData.Digits(ml, 10)).Transform(TestData.Digits(ml, 10))), "'Features'", "128", "64"),
        ["teacher input column of text"] = ml => BadInputCase.Of<ArgumentException>(() => Score(ml, Teacher.FromOnnx(Cnn, new OnnxTeacherOptions { InputShape = [1, 8, 8], InputColumnName = "Label" }), TestData.Digits(ml, 10)), "'Label'", "vector of Single"),

        // ML.NET models.
        ["missing ML.NET model file"] = ml => BadInputCase.Of<FileNotFoundException>(() => Teacher.FromMLNetModel(ml, "/nowhere/model.zip"), "/nowhere/model.zip"),
        ["ML.NET model file that is not a model"] = ml => BadInputCase.Of<InvalidDataException>(() => Teacher.FromMLNetModel(ml, TempFile("not a zip")), "bad-teacher-", "could not be loaded"),
        ["ML.NET model without the score column"] = ml => BadInputCase.Of<ArgumentException>(() => Score(ml, Teacher.FromTransformer(
            ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 2).Fit(TestData.KeyedDigits(ml, 60)), "Probabilities"), TestData.KeyedDigits(ml, 60)), "'Probabilities'", "Score"),
        ["ML.NET model that cannot read the data"] = ml => BadInputCase.Of<ArgumentException>(() => Score(ml, Teacher.FromTransformer(
            ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 2).Fit(TestData.KeyedDigits(ml, 60))),
            ml.Transforms.CopyColumns("Features", "Label").Fit(TestData.KeyedDigits(ml, 20)).Transform(TestData.KeyedDigits(ml, 20))), "cannot score this data", "Features"),
        ["ML.NET score column of text"] = ml => BadInputCase.Of<ArgumentException>(() => Score(ml, Teacher.FromTransformer(
            ml.Transforms.Conversion.MapKeyToValue("Named", "Label").Fit(TestData.KeyedDigits(ml, 20)), "Named"), TestData.KeyedDigits(ml, 20)), "'Named'", "Single"),

        // Ensembles.
        ["empty ensemble"] = _ => BadInputCase.Of<ArgumentException>(() => Teacher.Ensemble([]), "at least one teacher"),
        ["negative ensemble weight"] = _ => BadInputCase.Of<ArgumentException>(() => Teacher.Ensemble([(TinyCnn(), 1f), (TinyCnn(), -2f)]), "weight -2", "positive"),
        ["infinite ensemble weight"] = _ => BadInputCase.Of<ArgumentException>(() => Teacher.Ensemble([(TinyCnn(), float.PositiveInfinity)]), "finite"),
        ["ensemble members with other class counts"] = ml => BadInputCase.Of<ArgumentException>(() => Score(ml, Teacher.Ensemble([(TinyCnn(),
            1f), (Teacher.FromTransformer(ml.Transforms.Concatenate("Wide", "Features", "Features").Fit(TestData.Digits(ml, 10)), "Wide", TeacherOutputKind.Logits), 1f)]), TestData.Digits(ml, 10)), "10", "128", "number of classes"),
        ["ensemble members in other class orders"] = ml => BadInputCase.Of<ArgumentException>(() => Score(ml, Teacher.Ensemble([
            (Teacher.FromOnnx(Cnn, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits", ClassNames = Enumerable.Range(0, 10).Select(i => $"{i}").ToArray() }), 1f),
            (Teacher.FromOnnx(Cnn, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits", ClassNames = Enumerable.Range(0, 10).Select(i => $"{9 - i}").ToArray() }), 1f)]),
            TestData.Digits(ml, 10)), "different orders", "9, 8, 7"),

        // The TeacherScore stage.
        ["no teacher"] = ml => BadInputCase.Of<ArgumentNullException>(() => ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options()), "Teacher"),
        ["empty output column name"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Transforms.TeacherScore(TinyCnn(), outputColumnName: ""), "OutputColumnName"),
        ["batch size 0"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.Transforms.TeacherScore(TinyCnn(), batchSize: 0), "BatchSize", "0"),
        ["batch size 1,000,000,000"] = ml => BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.Transforms.TeacherScore(TinyCnn(), batchSize: 1_000_000_000), "BatchSize", "1,000,000,000"),
        ["missing cache folder"] = ml => BadInputCase.Of<DirectoryNotFoundException>(() => Score(ml, TinyCnn(), TestData.Digits(ml, 10), cache: "/nowhere/cache"), "/nowhere/cache"),

        // Probabilities read as logits: an ONNX teacher whose output kind was left unset, and whose outputs are plainly probabilities.
        ["softmax output with the output kind unset"] = ml => BadInputCase.Of<ArgumentException>(() => Train(ml, Teacher.FromOnnx(Cnn, CnnOptions("probabilities")), TestData.KeyedDigits(ml, 60)),
            "'TeacherLogits'", "holds probabilities", "each of its 60 rows of 10 values lies in [0, 1] and sums to 1", "OnnxTeacherOptions.OutputKind", "TeacherOutputKind.Probabilities"),
        ["a student's softmax Score with the output kind unset"] = ml => BadInputCase.Of<ArgumentException>(() => Train(ml, Teacher.FromOnnx(new MemoryStream(DigitsStudentOnnx.Value),
            new OnnxTeacherOptions { OnnxOutputName = "Score" }), TestData.KeyedDigits(ml, 100)), "'TeacherLogits'", "sums to 1", "OnnxTeacherOptions.OutputKind"),
        ["binary probability with the output kind unset"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Transforms.TeacherScore(Teacher.FromOnnx(new MemoryStream(CancerStudentOnnx.Value),
            new OnnxTeacherOptions { OnnxOutputName = "Probability" })).Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 1, seed: 1)).Fit(TestData.BreastCancer(ml)),
            "'TeacherLogits'", "all 569 of its values lie in [0, 1]", "calls every row true", "OnnxTeacherOptions.OutputKind", "TeacherOutputKind.Probabilities"),
        ["softmax output with the output kind unset, evaluated"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Distillation.Evaluate(Teacher.FromOnnx(Cnn, CnnOptions("probabilities")),
            ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1, seed: 1).Fit(TestData.KeyedDigits(ml, 60)), TestData.KeyedDigits(ml, 60),
            new EvaluationOptions { MeasureSpeed = false }), "teacher 'teacher'", "holds probabilities", "OnnxTeacherOptions.OutputKind"),

        // Rows paired with another row's teacher outputs: a source that reorders its rows between passes.
        ["source reordered between passes"] = ml => BadInputCase.Of<InvalidOperationException>(() => Train(ml, TinyCnn(), new ReshufflingDataView(TestData.KeyedDigits(ml, 40))),
            "other values", "same order", "mlContext.Data.Cache"),
        ["source reordered between passes, with a cache"] = ml => BadInputCase.Of<InvalidOperationException>(() => Score(ml, TinyCnn(),
            new ReshufflingDataView(TestData.Digits(ml, 40)), cache: Directory.CreateTempSubdirectory().FullName), "same order", "mlContext.Data.Cache"),
        ["source reordered between an ensemble's members"] = ml => BadInputCase.Of<InvalidOperationException>(() => Score(ml, Teacher.Ensemble([(TinyCnn(), 1f), (TinyCnn(), 1f)]),
            new ReshufflingDataView(TestData.Digits(ml, 40))), "Ensemble member", "row order"),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_teacher_input_is_refused_with_an_error_that_names_it(string name) => Cases[name](new MLContext(0)).Check();

    [Fact]
    public void Probabilities_under_a_stated_kind_train_and_logits_under_an_unset_one_train_without_a_word()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 60);
        List<string> Warnings(OnnxTeacherOptions options)
        {
            var warnings = new List<string>();
            var context = new MLContext(0);
            context.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
            Train(context, Teacher.FromOnnx(Cnn, options), data);
            return warnings;
        }
        // Stated as logits, probabilities train (the user said so) with a warning naming the column and the option.
        var stated = Warnings(new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "probabilities", OutputKind = TeacherOutputKind.Logits });
        Assert.Contains(stated, w => w.Contains("'TeacherLogits' is read as logits") && w.Contains("sums to 1") && w.Contains("TeacherOutputKind.Probabilities"));
        // Stated as probabilities they become log-probabilities; logits with the kind unset are logits: no warning either way.
        Assert.DoesNotContain(Warnings(new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "probabilities", OutputKind = TeacherOutputKind.Probabilities }),
            w => w.Contains("probabilities"));
        Assert.DoesNotContain(Warnings(CnnOptions()), w => w.Contains("probabilities"));
    }

    [Fact]
    public void A_source_that_keeps_its_order_passes_the_same_checks()
    {
        var ml = new MLContext(0);
        var cached = ml.Data.Cache(new ReshufflingDataView(TestData.KeyedDigits(ml, 40))); // cached once: every pass gives the same rows
        Train(ml, TinyCnn(), cached);
    }
}
