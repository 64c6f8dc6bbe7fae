using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

public sealed class DistillationTrainerTests
{
    private static DistillationMulticlassTrainer.Options Quick(int seed = 3, string? teacher = DefaultColumnNames.TeacherLogits) => new()
    {
        TeacherColumnName = teacher,
        Student = new MlpStudent { HiddenLayers = [32] },
        NumberOfEpochs = 15,
        // Small batches: 600 rows give ten steps an epoch, enough for 15 epochs to learn the digits.
        BatchSize = 64,
        LearningRate = 5e-3f,
        Seed = seed,
    };

    private static Teacher CnnTeacher() => Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });

    [Fact]
    public void Baseline_student_learns_digits_and_ml_net_evaluates_its_output()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 600);
        var test = TestData.KeyedDigits(ml, 300, skip: 600);
        var student = ml.MulticlassClassification.Trainers.Distillation(Quick(teacher: null)).Fit(train);

        var scored = student.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy > 0.85, $"accuracy {metrics.MicroAccuracy}");
        Assert.InRange(DistillationMetrics.MacroF1(metrics.ConfusionMatrix), 0.8, 1.0);
        Assert.Equal(64 * 32 + 32 + 32 * 10 + 10, student.ParameterCount);
        Assert.Equal(15, student.TrainingHistory.Count);
        Assert.Equal(15L * 600, student.Profile.SamplesTrained);
        Assert.InRange(student.Profile.TorchShare, 0.01, 1.0);
        Assert.True(student.Profile.DataLoading > TimeSpan.Zero && student.Profile.SamplesPerSecond > 0);

        // Score is a probability vector and PredictedLabel carries the label's key values.
        var prediction = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored).Transform(scored);
        var rows = ml.Data.CreateEnumerable<TextPrediction>(prediction, reuseRowObject: false).ToList();
        Assert.All(rows, r => Assert.Equal(1f, r.Score.Sum(), 4));
        Assert.All(rows, r => Assert.Equal(Array.IndexOf(r.Score, r.Score.Max()), int.Parse(r.PredictedLabel)));
    }

    [Fact]
    public void Distilled_student_saves_without_teacher_and_reloads_with_identical_predictions()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 400);
        var test = TestData.KeyedDigits(ml, 200, skip: 400);
        using var teacher = CnnTeacher();
        var model = ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(Quick())).Fit(train);

        var zip = Path.Combine(Path.GetTempPath(), $"student-{Guid.NewGuid():N}.zip");
        try
        {
            File.WriteAllText(zip, "earlier output");
            Assert.Throws<DirectoryNotFoundException>(() => ml.Distillation.SaveStudent(model, train.Schema, Path.Combine(zip + ".missing", "x.zip")));
            ml.Distillation.SaveStudent(model, train.Schema, zip);
            var reloaded = new MLContext(1).Distillation.LoadModel(zip, out var schema);
            Assert.Equal(train.Schema["Features"].Type, schema["Features"].Type);

            var before = model.Student().Transform(test);
            var after = reloaded.Transform(test);
            Assert.Equal(TestData.Column(before, "Score"), TestData.Column(after, "Score"));
            Assert.Equal(DistillationMetrics.PredictedKeys(before), DistillationMetrics.PredictedKeys(after));

            var engine = ml.Model.CreatePredictionEngine<DigitInput, KeyPrediction>(reloaded);
            var first = ml.Data.CreateEnumerable<DigitInput>(test, reuseRowObject: false).First();
            Assert.Equal(DistillationMetrics.PredictedKeys(after)[0], engine.Predict(first).PredictedLabel);
        }
        finally { File.Delete(zip); }
    }

    [Fact]
    public void Same_seed_gives_the_same_student_and_another_seed_does_not()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 300);
        using var teacher = CnnTeacher();
        float[][] Scores(int seed) => TestData.Column(ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(Quick(seed))).Fit(train).Transform(train), "Score");
        var first = Scores(5);
        Assert.Equal(first, Scores(5));
        Assert.NotEqual(first, Scores(6));
    }

    [Fact]
    public void Progress_reports_every_loss_term_and_validation_accuracy_per_epoch()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 300);
        using var teacher = CnnTeacher();
        var reports = new List<EpochReport>();
        var logged = new List<string>();
        ml.Log += (_, e) => { if (System.Text.RegularExpressions.Regex.IsMatch(e.Message, @"epoch \d+: loss")) logged.Add(e.Message); };
        var options = Quick();
        options.ValidationFraction = 0.2f;
        options.Alpha = 0.3f;
        options.Progress = new SynchronousProgress<EpochReport>(reports.Add);
        var student = ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(options)).Fit(train).LastTransformer;

        Assert.Equal(options.NumberOfEpochs, reports.Count);
        Assert.All(reports, r =>
        {
            Assert.Equal(["ce", "kd"], r.LossTerms.Keys.Order());
            Assert.True(Math.Abs(0.3 * r.LossTerms["ce"] + 0.7 * r.LossTerms["kd"] - r.TotalLoss) < 1e-5, r.ToString());
            Assert.NotNull(r.ValidationAccuracy);
        });
        Assert.True(reports[^1].LossTerms["ce"] < reports[0].LossTerms["ce"]);
        Assert.Equal(reports.Count, logged.Count);
        Assert.Equal(reports.MaxBy(r => r.ValidationAccuracy!.Value)!.ValidationAccuracy, reports[student.BestEpoch - 1].ValidationAccuracy);
    }

    [Fact]
    public void Early_stopping_stops_when_validation_accuracy_stalls()
    {
        var ml = new MLContext(0);
        var train = TestData.KeyedDigits(ml, 300);
        var validation = TestData.KeyedDigits(ml, 100, skip: 300);
        var options = Quick(teacher: null);
        options.NumberOfEpochs = 200;
        options.EarlyStoppingPatience = 3;
        var student = ml.MulticlassClassification.Trainers.Distillation(options).Fit(train, validation);
        var history = student.TrainingHistory;
        Assert.True(history.Count < 200);
        // The rule, replayed from the history: an epoch improves when it raises the validation accuracy or lowers the
        // validation loss below every earlier epoch's; training stops 3 epochs after the last improving one, and keeps the
        // best epoch by accuracy (ties: the lower loss).
        int lastImproving = 0, best = 0;
        double bestAccuracy = double.NegativeInfinity, bestLossAtBest = double.PositiveInfinity, lowestLoss = double.PositiveInfinity;
        foreach (var e in history)
        {
            double accuracy = e.ValidationAccuracy!.Value, loss = e.ValidationLoss!.Value;
            bool better = accuracy > bestAccuracy || (accuracy == bestAccuracy && loss < bestLossAtBest);
            if (better)
                (bestAccuracy, bestLossAtBest, best) = (accuracy, loss, e.Epoch);
            if (better || loss < lowestLoss)
                lastImproving = e.Epoch;
            lowestLoss = Math.Min(lowestLoss, loss);
        }
        Assert.Equal(lastImproving + 3, history.Count);
        Assert.Equal(best, student.BestEpoch);
    }




    private sealed class TextPrediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private sealed class DigitInput
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
    }

    private sealed class KeyPrediction
    {
        public uint PredictedLabel { get; set; }
    }
}
