using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Evaluation;

/// <summary>Evaluate on real teachers and students (UCI tables): every figure present and consistent with ML.NET's own evaluators.</summary>
public sealed class EvaluateRealDataTests
{
    private static readonly EvaluationOptions ShortTiming = new() { LatencyCalls = 100, LatencyWarmupCalls = 10, ThroughputRows = 500 };

    [Fact]
    public void Binary_fasttree_teacher_and_student_get_every_figure_and_the_metrics_of_mlnet()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.BreastCancer(ml), testFraction: 0.3, seed: 0);
        var teacher = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 20).Fit(split.TrainSet);
        var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { NumberOfEpochs = 3, Seed = 1 }))
            .Fit(split.TrainSet);

        var e = ml.Distillation.Evaluate(teacher, model, split.TestSet, ShortTiming);

        // The same figures ML.NET's evaluator gives on each model's own output.
        var direct = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        Assert.Equal(direct.AreaUnderRocCurve, e.Student.Metric("AreaUnderRocCurve"), 6);
        Assert.Equal(direct.Accuracy, e.Student.Metric("Accuracy"), 6);
        Assert.Equal(direct.LogLoss, e.Student.Metric("LogLoss"), 5);
        Assert.Equal(ml.BinaryClassification.Evaluate(teacher.Transform(split.TestSet)).AreaUnderRocCurve, e.Teacher.Metric("AreaUnderRocCurve"), 6);
        Assert.Equal(DistillationMetrics.Agreement(model.Transform(split.TestSet), teacher.Transform(split.TestSet)), e.Agreement.Fidelity!.Value, 10);

        Assert.Equal(ModelExtensions_FindStudentParameters(model), e.Student.ParameterCount);
        Assert.Null(e.Teacher.ParameterCount);                                        // trees: unknown, shown as "–"
        Assert.True(e.Student.SerializedBytes > 0 && e.Teacher.SerializedBytes > 0);
        foreach (var m in new[] { e.Teacher, e.Student })
        {
            Assert.NotNull(m.Latency);
            Assert.Equal(100, m.Latency!.Calls);
            Assert.True(m.Latency.P50Microseconds > 0 && m.Latency.P50Microseconds <= m.Latency.P95Microseconds);
            Assert.True(m.RowsPerSecond > 0);
            Assert.Equal(15, m.Calibration!.Bins.Count);
            Assert.Equal(e.Rows, m.Calibration.Bins.Sum(b => b.Count));
        }
        Assert.NotNull(e.SpeedUp);
        Assert.Equal((double)e.Teacher.SerializedBytes / e.Student.SerializedBytes, e.CompressionRatio, 10);
        Assert.Equal(e.Student.Metric("Accuracy") / e.Teacher.Metric("Accuracy"), e.QualityKept, 10);
    }

    [Fact]
    public void An_onnx_teacher_given_as_a_teacher_reads_as_its_own_student_transformer()
    {
        // Teacher.FromStudent runs the student's ONNX export in ONNX Runtime; its logits through softmax must give the
        // same predictions as the student itself: agreement 1, KL 0, equal metrics.
        var ml = new MLContext(0);
        var wine = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TestData.Wine(ml)).Transform(TestData.Wine(ml));
        var split = ml.Data.TrainTestSplit(wine, testFraction: 0.3, seed: 0);
        var student = (StudentTransformer)ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 5, seed: 1).Fit(split.TrainSet);

        // Timed too: the teacher's TeacherScore stage cannot score single rows, so the teacher is timed through its own
        // reader, one row per call, cycling over the 54 test rows.
        var e = ml.Distillation.Evaluate(Teacher.FromStudent(student), student, split.TestSet,
            new EvaluationOptions { LatencyCalls = 150, LatencyWarmupCalls = 10, ThroughputRows = 200 });

        Assert.Equal(1.0, e.Agreement.Fidelity!.Value, 10);
        Assert.Equal(0.0, e.Agreement.KLDivergence!.Value, 5);
        Assert.Equal(e.Student.Metric("MicroAccuracy"), e.Teacher.Metric("MicroAccuracy"), 10);
        Assert.Equal(e.Student.Metric("LogLoss"), e.Teacher.Metric("LogLoss"), 4);
        Assert.Equal(["class_0", "class_1", "class_2"], e.Student.PerClassAccuracy.Select(c => c.ClassName));
        Assert.Equal(student.ParameterCount, e.Teacher.ParameterCount);          // the count the exported graph records
        Assert.Equal(student.ToOnnx().Length, e.Teacher.SerializedBytes);
        Assert.Equal(150, e.Teacher.Latency!.Calls);
        Assert.True(e.Teacher.Latency.P50Microseconds > 0 && e.Teacher.RowsPerSecond > 0);
        Assert.NotNull(e.SpeedUp);
    }

    [Fact]
    public void Regression_evaluation_round_trips_through_json_and_prints_every_figure()
    {
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.Concrete(ml), testFraction: 0.3, seed: 0);
        var teacher = ml.Regression.Trainers.FastTree(numberOfTrees: 20).Fit(split.TrainSet);
        var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
            .Append(ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options { NumberOfEpochs = 3, Seed = 1 }))
            .Fit(split.TrainSet);

        var e = ml.Distillation.Evaluate(teacher, model, split.TestSet, new EvaluationOptions { TeacherName = "FastTree", StudentName = "MLP", LatencyCalls = 50, ThroughputRows = 300 });

        Assert.Equal(ml.Regression.Evaluate(model.Transform(split.TestSet)).RootMeanSquaredError, e.Student.Metric("RootMeanSquaredError"), 4);
        var back = DistillationEvaluation.FromJson(e.ToJson());
        Assert.Equal(e.Task, back.Task);
        Assert.Equal(e.Student.Metrics, back.Student.Metrics);
        Assert.Equal(e.Agreement, back.Agreement);
        Assert.Equal(e.Teacher.Latency, back.Teacher.Latency);
        Assert.Equal(e.ToTable(), back.ToTable());
        foreach (var text in new[] { e.ToTable(), e.ToMarkdown() })
        {
            Assert.Contains("FastTree", text);
            Assert.Contains("RMSE to teacher", text);
            Assert.Contains("RootMeanSquaredError", text);
            Assert.Contains("Speed-up (p50)", text);
        }
        Assert.StartsWith("**Regression on", e.ToMarkdown());
    }

    [Fact]
    public void Training_history_is_at_hand_on_the_fitted_pipeline_and_refused_on_a_reloaded_one()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 200);
        var model = ml.Transforms.CopyColumns("Copy", "Features")
            .Append(ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
            {
                TeacherColumnName = null, NumberOfEpochs = 3, Seed = 1, ValidationFraction = 0.2f,
            }))
            .Fit(data);

        var history = model.TrainingHistory();
        Assert.Equal(3, history.Count);
        Assert.Equal([1, 2, 3], history.Select(h => h.Epoch));
        Assert.All(history, h => Assert.NotNull(h.ValidationAccuracy));
        Assert.Same(((StudentTransformer)model.LastTransformer).TrainingHistory, history);

        string path = Path.Combine(Path.GetTempPath(), $"history-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Distillation.SaveStudent(model, data.Schema, path);
            var reloaded = ml.Distillation.LoadModel(path, out _);
            Assert.Contains("keeps no training history", Assert.Throws<ArgumentException>(() => reloaded.TrainingHistory()).Message);

            // A reloaded student still tells its size: the count the trainer made, which the saved ONNX graph carries (its
            // initializers alone would also count constants: shapes, the binary threshold, a folded standardisation).
            var student = (StudentTransformer)model.LastTransformer;
            var measured = ml.Distillation.EvaluateModel(reloaded, data, "reloaded", new EvaluationOptions { MeasureSpeed = false });
            Assert.Equal(student.ParameterCount, measured.ParameterCount);
            Assert.Equal(new FileInfo(path).Length, measured.SerializedBytes);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Bad_evaluation_input_is_refused_naming_what_is_wrong()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 60);
        var student = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1, seed: 1).Fit(data);
        var noTiming = new EvaluationOptions { MeasureSpeed = false };

        Assert.Contains("'Target'", Assert.Throws<ArgumentException>(() => ml.Distillation.Evaluate(student, student, data, new EvaluationOptions { LabelColumnName = "Target", MeasureSpeed = false })).Message);
        // A teacher whose Score has the wrong number of classes.
        var threeWide = ml.Transforms.Concatenate("Score", "Features", "Features").Fit(data);
        var wrongWidth = Assert.Throws<ArgumentException>(() => ml.Distillation.Evaluate(threeWide, student, data, noTiming)).Message;
        Assert.Contains("teacher 'teacher'", wrongWidth);
        Assert.Contains("10 classes", wrongWidth);
        // A Teacher whose logits have the wrong width: the message names the label column and what it needs.
        var teacher = Teacher.FromTransformer(ml.Transforms.ProjectToPrincipalComponents("Score", "Features", rank: 3).Fit(data), outputKind: TeacherOutputKind.Logits);
        var wrongLogits = Assert.Throws<ArgumentException>(() => ml.Distillation.Evaluate(teacher, student, data, noTiming)).Message;
        Assert.Contains("writes 3 logits per row, but label 'Label' (MulticlassClassification) needs 10 (the label has 10 classes)", wrongLogits);
        // Data the student cannot read.
        var wine = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TestData.Wine(ml)).Transform(TestData.Wine(ml));
        var cannot = Assert.Throws<ArgumentException>(() => ml.Distillation.Evaluate(student, student, wine, noTiming)).Message;
        Assert.Contains("student 'student' cannot score", cannot);
        Assert.Contains("64 Single values", cannot);
        // A text label: map it first.
        var text = ml.Data.LoadFromEnumerable(new[] { new TextLabelRow { Label = "a", S = 1 }, new TextLabelRow { Label = "b", S = 2 } });
        var copy = ml.Transforms.CopyColumns("Score", "S").Fit(text);
        var textMessage = Assert.Throws<ArgumentException>(() => ml.Distillation.Evaluate(copy, copy, text, new EvaluationOptions { MeasureSpeed = false, TeacherName = "t" })).Message;
        Assert.Contains("'Label'", textMessage);
        Assert.Contains("MapValueToKey", textMessage);
        Assert.Contains("LatencyCalls", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.Evaluate(student, student, data, new EvaluationOptions { LatencyCalls = 0 })).Message);
        Assert.Contains("both named", Assert.Throws<ArgumentException>(() => ml.Distillation.Evaluate(student, student, data, new EvaluationOptions { TeacherName = "x", StudentName = "x" })).Message);
    }

    [Fact]
    public void Evaluation_labels_mapped_by_another_key_fit_are_refused_naming_both_orders()
    {
        // The models learnt the classes in the training label's key order (0, 1, ..., 9); the test label was mapped by a
        // MapValueToKey fitted on its own, in another order (9, 8, ..., 0): key 1 means '0' to the models and '9' to the data.
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 300);
        var student = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 2, seed: 1).Fit(train);
        var teacher = ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 5).Fit(train);
        var digits = TestData.Digits(ml, 200);
        var reversed = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Reverse().Select(d => new KeyText { Value = d.ToString() }));
        var test = ml.Transforms.Conversion.MapValueToKey("Label", keyData: reversed).Fit(digits).Transform(digits);
        var noTiming = new EvaluationOptions { MeasureSpeed = false };

        foreach (var message in new[]
        {
            Assert.Throws<ArgumentException>(() => ml.Distillation.Evaluate(teacher, student, test, noTiming)).Message,
            Assert.Throws<ArgumentException>(() => ml.Distillation.EvaluateModel(student, test, "student")).Message,
        })
        {
            Assert.Contains("'Label'", message);
            Assert.Contains("[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]", message);
            Assert.Contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]", message);
            Assert.Contains("'student' was trained", message);
            Assert.Contains("MapValueToKey", message);
        }
        // A teacher named in the training order is refused too, and named.
        var named = Teacher.FromOnnx(new MemoryStream(((StudentTransformer)student).ToOnnx()),
            new OnnxTeacherOptions { OnnxOutputName = "Logits", ClassNames = Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray() });
        // Beside a "student" whose output tells no class order: the student's scores with its PredictedLabel dropped.
        var scoredTest = student.Transform(test);
        var orderless = ml.Transforms.DropColumns("PredictedLabel").Fit(scoredTest);
        var teacherMessage = Assert.Throws<ArgumentException>(() => ml.Distillation.Evaluate(named, orderless, scoredTest, noTiming)).Message;
        Assert.Contains("teacher 'teacher'", teacherMessage);
        Assert.Contains("[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]", teacherMessage);

        // The same rows mapped with the training fit evaluate.
        var same = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TestData.Digits(ml, 1797)).Transform(digits);
        Assert.Equal(200, ml.Distillation.Evaluate(teacher, student, same, noTiming).Rows);
    }

    private sealed class KeyText
    {
        public string Value { get; set; } = "";
    }

    private static long ModelExtensions_FindStudentParameters(ITransformer model) => ModelExtensions.FindStudent(model)!.ParameterCount;

    private sealed class TextLabelRow
    {
        public string Label { get; set; } = "";
        public float S { get; set; }
    }
}
