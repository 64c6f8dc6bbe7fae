using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>Defaults that converge: training sized by rows seen, and a warning when validation says it stopped too early.</summary>
public sealed class TrainingLengthTests
{
    [Theory]
    [InlineData(125, 1536)]     // 192,000 rows seen: 1,536 passes
    [InlineData(60000, 20)]     // 3.2 passes: the 20-epoch floor
    [InlineData(10, 2000)]      // 19,200 passes: capped at 2,000 epochs
    [InlineData(6400, 30)]
    [InlineData(3973, 49)]      // churn's training rows: as many passes as 3,000 steps of 64 gave, whatever the batch
    public void Unset_epochs_are_sized_by_rows_seen(long rows, int expected)
        => Assert.Equal(expected, TrainingLength.Epochs(null, rows));

    [Fact]
    public void Set_epochs_are_used_as_they_are() => Assert.Equal(7, TrainingLength.Epochs(7, 100_000));

    [Fact]
    public void Wine_with_every_default_learns_its_three_cultivars()
    {
        // Before: 20 epochs of 2 steps on unscaled features (proline ≈ 1,000, hue ≈ 1) gave 46 % here.
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.Wine(ml), testFraction: 0.3, seed: 0);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, seed: 0))
            .Fit(split.TrainSet);
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet)).MicroAccuracy;
        Assert.True(accuracy >= 0.9, $"wine accuracy with defaults {accuracy:P1}");
    }

    [Fact]
    public void Still_falling_validation_loss_at_the_last_epoch_is_reported()
    {
        var ml = new MLContext(0);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
        var options = new DistillationMulticlassTrainer.Options { TeacherColumnName = null, NumberOfEpochs = 3, LearningRate = 1e-4f, ValidationFraction = 0.2f, Seed = 1 };
        ml.MulticlassClassification.Trainers.Distillation(options).Fit(TestData.KeyedDigits(ml, 300));
        Assert.Contains(warnings, w => w.Contains("validation loss was still falling at the last epoch (3"));

        // A run that early stopping ended had stopped improving: no warning.
        warnings.Clear();
        options.NumberOfEpochs = 400;
        options.LearningRate = 1e-2f;
        options.EarlyStoppingPatience = 5;
        ml.MulticlassClassification.Trainers.Distillation(options).Fit(TestData.KeyedDigits(ml, 300));
        Assert.DoesNotContain(warnings, w => w.Contains("still falling"));
    }
    [Fact]
    public void A_time_budget_ends_training_at_an_epoch_boundary_and_keeps_the_student()
    {
        // A budget of one tick is spent by the first epoch: training stops after it, with a student (a cancellation would throw).
        var ml = new MLContext(0);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var data = TestData.KeyedDigits(ml, 300);
        var options = new DistillationMulticlassTrainer.Options { TeacherColumnName = null, NumberOfEpochs = 50, Seed = 1, MaximumTrainingTime = TimeSpan.FromTicks(1) };
        var student = ml.MulticlassClassification.Trainers.Distillation(options).Fit(data);
        Assert.Single(student.TrainingHistory);
        Assert.Equal(1, student.BestEpoch);
        Assert.Contains(messages, m => m.Contains("Stopped after 1 of 50 epochs") && m.Contains("MaximumTrainingTime"));
        Assert.Equal(300, student.Transform(data).GetColumn<float[]>("Score").Count(s => s.All(float.IsFinite)));

        // The epoch it kept is the first epoch of the unbudgeted run, bit for bit.
        options.MaximumTrainingTime = null;
        options.NumberOfEpochs = 1;
        var oneEpoch = ml.MulticlassClassification.Trainers.Distillation(options).Fit(data);
        Assert.Equal(oneEpoch.ToOnnx(), student.ToOnnx());

        // A generous budget changes nothing.
        options.NumberOfEpochs = 3;
        options.MaximumTrainingTime = TimeSpan.FromHours(1);
        Assert.Equal(3, ml.MulticlassClassification.Trainers.Distillation(options).Fit(data).TrainingHistory.Count);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void A_time_budget_must_be_positive(long ticks)
    {
        var options = new DistillationMulticlassTrainer.Options { MaximumTrainingTime = TimeSpan.FromTicks(ticks) };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(0).MulticlassClassification.Trainers.Distillation(options));
        Assert.Contains("Options.MaximumTrainingTime must be positive", error.Message);
    }
}
