using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training.Search;

/// <summary>Born-again generations: each learns from the previous one, all on one split, each scored on the same held-out rows.</summary>
public sealed class SelfDistillationTests
{
    [Fact]
    public void Each_generation_learns_from_the_previous_and_is_scored_on_the_same_held_out_rows()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 400);
        var result = ml.Distillation.SelfDistill(data, new DistillationMulticlassTrainer.Options { Seed = 2 }, generations: 2, seed: 4);

        Assert.Equal([0, 1, 2], result.Generations.Select(g => g.Generation));
        var heldOut = ml.Data.TrainTestSplit(data, 0.2, seed: 4).TestSet;
        foreach (var generation in result.Generations)
            Assert.Equal(ml.MulticlassClassification.Evaluate(generation.Student.Transform(heldOut)).MicroAccuracy, generation.Score, 12);
        Assert.All(result.Generations, g => Assert.InRange(g.Score, 0.85, 1.0));
        Assert.Equal(result.Generations.Max(g => g.Score), result.Best.Score);

        // Generation 1 is not generation 0 again: it learned from soft targets, so its scores differ.
        var scores = result.Generations.Select(g => TestData.Column(g.Student.Transform(heldOut), "Score")).ToList();
        Assert.NotEqual(scores[0], scores[1]);
        Assert.NotEqual(scores[1], scores[2]);
    }

    [Fact]
    public void With_an_ensemble_teacher_a_generation_learns_from_the_mean_logits_of_every_earlier_one()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var options = new DistillationMulticlassTrainer.Options { NumberOfEpochs = 10, Seed = 2 };
        var result = ml.Distillation.SelfDistill(data, options, generations: 2, seed: 4, ensembleTeacher: true);

        // Generation 2 by hand: generations 0 and 1 averaged as teacher, the same options, the same training rows.
        var split = ml.Data.TrainTestSplit(data, 0.2, seed: 4);
        using var ensemble = Teacher.Ensemble([(Teacher.FromStudent(result.Generations[0].Student), 1f), (Teacher.FromStudent(result.Generations[1].Student), 1f)]);
        var byHand = ml.Transforms.TeacherScore(ensemble).Append(ml.MulticlassClassification.Trainers.Distillation(options)).Fit(ml.Data.Cache(split.TrainSet));
        Assert.Equal(TestData.Column(byHand.Transform(split.TestSet), "Score"), TestData.Column(result.Generations[2].Student.Transform(split.TestSet), "Score"));

        // Without the ensemble, generation 2 learns from generation 1 alone: another student.
        var chained = ml.Distillation.SelfDistill(data, options, generations: 2, seed: 4);
        Assert.Equal(TestData.Column(chained.Generations[1].Student.Transform(split.TestSet), "Score"), TestData.Column(result.Generations[1].Student.Transform(split.TestSet), "Score"));
        Assert.NotEqual(TestData.Column(chained.Generations[2].Student.Transform(split.TestSet), "Score"), TestData.Column(result.Generations[2].Student.Transform(split.TestSet), "Score"));
    }

    [Fact]
    public void Binary_and_regression_students_teach_their_next_generation()
    {
        var ml = new MLContext(0);
        var binary = ml.Distillation.SelfDistill(TestData.BreastCancer(ml), new DistillationBinaryTrainer.Options { NumberOfEpochs = 30, Seed = 1 }, generations: 1);
        Assert.Equal(2, binary.Generations.Count);
        Assert.All(binary.Generations, g => Assert.InRange(g.Score, 0.9, 1.0));

        var regression = ml.Distillation.SelfDistill(TestData.Concrete(ml), new DistillationRegressionTrainer.Options { NumberOfEpochs = 60, Seed = 1 }, generations: 1);
        Assert.Equal("R²", regression.Generations[1].Metric);
        Assert.All(regression.Generations, g => Assert.InRange(g.Score, 0.5, 1.0));
    }

    [Fact]
    public void Impossible_runs_are_refused_by_name()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var options = new DistillationMulticlassTrainer.Options { NumberOfEpochs = 1 };
        Assert.Contains("at least one generation", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.SelfDistill(data, options, generations: 0)).Message);
        Assert.Contains("validation fraction", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.SelfDistill(data, options, validationFraction: 1)).Message);
    }
}
