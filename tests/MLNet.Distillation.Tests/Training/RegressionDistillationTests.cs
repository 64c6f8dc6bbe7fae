using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>A LightGbm teacher distilled into a regression MLP student on the UCI concrete data, through ML.NET's regression catalog.</summary>
public sealed class RegressionDistillationTests
{
    private static (IDataView Train, IDataView Test, ITransformer Teacher) LightGbm(MLContext ml)
    {
        var split = ml.Data.TrainTestSplit(TestData.Concrete(ml), testFraction: 0.3, seed: 1);
        return (split.TrainSet, split.TestSet, ml.Regression.Trainers.LightGbm().Fit(split.TrainSet));
    }

    [Fact]
    public void Lightgbm_teacher_distils_into_a_student_that_predicts_in_the_labels_units()
    {
        var ml = new MLContext(0);
        var (train, test, lightGbm) = LightGbm(ml);
        var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(lightGbm))
            .Append(ml.Regression.Trainers.Distillation(numberOfEpochs: 150, seed: 1))
            .Fit(train);
        Assert.Equal("0.1·mse + 0.9·teacher-mse", ml.Regression.Trainers.Distillation().LossRecipeDescription);

        var scored = model.Transform(test);
        var metrics = ml.Regression.Evaluate(scored);
        var teacherMetrics = ml.Regression.Evaluate(lightGbm.Transform(test));
        Assert.True(metrics.RSquared > 0.8, $"student R² {metrics.RSquared:F3} (teacher {teacherMetrics.RSquared:F3})");
        Assert.True(metrics.RootMeanSquaredError < 7.5, $"student RMSE {metrics.RootMeanSquaredError:F2} MPa");

        // Trained on standardised targets, the student predicts in MPa: its mean prediction is the labels' mean.
        var predictions = TestData.Scalars(scored, "Score");
        var labels = TestData.Scalars(scored, "Label");
        Assert.InRange(predictions.Average() - labels.Average(), -3, 3);
        var teacherPredictions = TestData.Scalars(lightGbm.Transform(test), "Score");
        double fidelity = Math.Sqrt(predictions.Zip(teacherPredictions).Average(p => (p.First - p.Second) * (p.First - p.Second)));
        Assert.True(fidelity < 6, $"RMSE between student and teacher {fidelity:F2} MPa");

        // The exported ONNX graph undoes the scaling too: its Score equals ML.NET's, row for row.
        var student = model.LastTransformer;
        using var session = new InferenceSession(student.ToOnnx());
        var features = TestData.Column(test, "Features");
        using var input = OrtValue.CreateTensorValueFromMemory(features.SelectMany(f => f).ToArray(), [features.Length, 8]);
        using var outputs = session.Run(new RunOptions(), ["Features"], [input], ["Score", "Logits"]);
        var onnxScore = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Tolerance.Close(predictions.Select(p => (double)p).ToArray(), onnxScore.Select(p => (double)p).ToArray(), 1e-3, 1e-5, "ONNX Score");
        Assert.Equal(onnxScore, outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void Huber_loss_is_one_option_and_conflicting_settings_are_refused()
    {
        var ml = new MLContext(0);
        var (train, test, lightGbm) = LightGbm(ml);
        var trainer = ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
        {
            LossFunction = RegressionLossFunction.Huber, HuberDelta = 0.5, NumberOfEpochs = 60, Seed = 2,
        });
        Assert.Equal("0.1·huber + 0.9·teacher-huber", trainer.LossRecipeDescription);
        var student = ml.Transforms.TeacherScore(Teacher.FromTransformer(lightGbm)).Append(trainer).Fit(train).LastTransformer;
        Assert.Equal(["huber", "teacher-huber"], student.TrainingHistory[^1].LossTerms.Keys.Order());
        Assert.True(ml.Regression.Evaluate(student.Transform(test)).RSquared > 0.7);

        Assert.Contains("Temperature", Assert.ThrowsAny<ArgumentException>(() =>
            ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options { Temperature = 2 })).Message);
        Assert.Contains("HuberDelta", Assert.ThrowsAny<ArgumentException>(() =>
            ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options { HuberDelta = -1 })).Message);
        Assert.Contains("Options.Losses", Assert.ThrowsAny<ArgumentException>(() => ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
        {
            LossFunction = RegressionLossFunction.Huber, Losses = [new(LossNames.MeanSquaredError, 1)],
        })).Message);
        Assert.Contains("'kd' is for multiclass", Assert.ThrowsAny<ArgumentException>(() => ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
        {
            Losses = [new(LossNames.KnowledgeDistillation, 1)],
        })).Message);
    }


    [Fact]
    public void A_pure_transfer_set_takes_its_scale_from_the_teachers_predictions()
    {
        var ml = new MLContext(0);
        var (train, test, lightGbm) = LightGbm(ml);
        // Every label withheld (NaN): the teacher's predictions are the only targets.
        var unlabelled = ml.Transforms.CustomMapping<LabelRow, LabelRow>((_, o) => o.Label = float.NaN, null).Fit(train).Transform(train);
        var student = ml.Transforms.TeacherScore(Teacher.FromTransformer(lightGbm))
            .Append(ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options { Losses = [new(LossNames.TeacherMeanSquaredError, 1)], NumberOfEpochs = 100, Seed = 3 }))
            .Fit(unlabelled).LastTransformer;
        var predictions = TestData.Scalars(student.Transform(test), "Score");
        var labels = TestData.Scalars(test, "Label");
        Assert.InRange(predictions.Average() - labels.Average(), -4, 4);
        Assert.True(ml.Regression.Evaluate(student.Transform(test)).RSquared > 0.7);
    }

    private sealed class LabelRow
    {
        public float Label { get; set; }
    }
}
