using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Catalogs;

/// <summary>
/// The task-neutral way in, for code that learns the task at run time (the command line): the options of a task, the
/// trainer built from them, the epochs a Fit runs. They give what the task catalogs give.
/// </summary>
public sealed class TaskNeutralTrainerTests
{
    [Theory]
    [InlineData(DistillationTask.BinaryClassification, typeof(DistillationBinaryTrainer.Options), typeof(DistillationBinaryTrainer))]
    [InlineData(DistillationTask.MulticlassClassification, typeof(DistillationMulticlassTrainer.Options), typeof(DistillationMulticlassTrainer))]
    [InlineData(DistillationTask.Regression, typeof(DistillationRegressionTrainer.Options), typeof(DistillationRegressionTrainer))]
    public void Each_task_gets_its_own_options_and_trainer(DistillationTask task, Type optionsType, Type trainerType)
    {
        var options = DistillationTrainerOptions.ForTask(task);
        Assert.IsType(optionsType, options);
        Assert.Equal(task, options.Task);
        var trainer = new MLContext(0).Distillation.Trainer(options);
        Assert.IsType(trainerType, trainer);
        Assert.Equal(task, trainer.Task);
    }

    [Fact]
    public void An_unknown_task_and_a_bad_option_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DistillationTrainerOptions.ForTask((DistillationTask)42));
        Assert.Equal("task", e.ParamName);
        var options = DistillationTrainerOptions.ForTask(DistillationTask.BinaryClassification);
        options.Alpha = 2;
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(0).Distillation.Trainer(options));
        Assert.Contains("Options.Alpha", bad.Message);
    }

    [Fact]
    public void The_task_neutral_trainer_trains_the_same_student_as_the_task_catalogs()
    {
        var ml = new MLContext(0);
        var data = TestData.BreastCancer(ml);
        var options = DistillationTrainerOptions.ForTask(DistillationTask.BinaryClassification);
        (options.TeacherColumnName, options.NumberOfEpochs, options.Seed) = (null, 3, 5);
        var neutral = ml.Distillation.Trainer(options).Fit(data, null);
        var typed = ml.BinaryClassification.Trainers.Distillation((DistillationBinaryTrainer.Options)options).Fit(data);
        Assert.Equal(typed.ToOnnx(), neutral.ToOnnx());
    }

    [Theory]
    [InlineData(null, 600, 320)]       // 192,000 rows seen: ⌈192,000 / 600⌉
    [InlineData(null, 60_000, 20)]     // 3.2 passes, raised to the 20-epoch floor
    [InlineData(null, 10, 2000)]       // 19,200 passes, capped at 2,000
    [InlineData(7, 600, 7)]            // NumberOfEpochs wins
    public void Epochs_for_a_row_count_follow_NumberOfEpochs_or_the_rows_seen_rule(int? requested, long rows, int expected)
    {
        var options = DistillationTrainerOptions.ForTask(DistillationTask.Regression);
        options.NumberOfEpochs = requested;
        Assert.Equal(expected, options.EpochsFor(rows));
    }
}
