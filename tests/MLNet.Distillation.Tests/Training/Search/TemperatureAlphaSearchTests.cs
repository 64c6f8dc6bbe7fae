using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training.Search;

/// <summary>The temperature and alpha search: every trial on the same split, ranked, the labels-only student always in.</summary>
public sealed class TemperatureAlphaSearchTests
{
    private static (MLContext Ml, IDataView Data) DigitsWithTeacher()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 400);
        var teacherModel = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 40, seed: 1).Fit(data);
        var teacher = Teacher.FromStudent(teacherModel);
        // Cached in memory so every trial reads the same teacher outputs without scoring again.
        return (ml, ml.Data.Cache(ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data)));
    }

    private static DistillationMulticlassTrainer.Options Options() => new() { NumberOfEpochs = 15, Seed = 2 };

    [Fact]
    public void Every_setting_and_the_labels_only_student_are_scored_on_the_same_held_out_rows_and_ranked()
    {
        var (ml, data) = DigitsWithTeacher();
        var search = new DistillationSearchOptions { Temperatures = [2f, 4f], Alphas = [0.1f, 0.5f], Seed = 3 };
        var result = ml.Distillation.SearchTemperatureAndAlpha(data, Options(), search);

        Assert.Equal(5, result.Trials.Count);
        Assert.Single(result.Trials, t => t.FromLabelsAlone);
        Assert.Equal([(2f, 0.1f), (2f, 0.5f), (4f, 0.1f), (4f, 0.5f)],
            result.Trials.Where(t => !t.FromLabelsAlone).Select(t => (t.Temperature!.Value, t.Alpha)).Order());
        Assert.Equal(result.Trials.Select(t => t.Score).OrderByDescending(s => s), result.Trials.Select(t => t.Score));
        Assert.Same(result.Trials[0], result.Best);

        // The scores are the held-out accuracy of the returned students, recomputed independently on the same split.
        var heldOut = ml.Data.TrainTestSplit(data, 0.2, seed: 3).TestSet;
        foreach (var trial in result.Trials)
            Assert.Equal(ml.MulticlassClassification.Evaluate(trial.Student.Transform(heldOut)).MicroAccuracy, trial.Score, 12);
        Assert.All(result.Trials, t => Assert.InRange(t.Score, 0.6, 1.0));
        Assert.Equal(1f, result.FromLabelsAlone.Alpha);
    }

    [Fact]
    public void Loss_recipes_are_searched_beside_the_labels_only_student()
    {
        var (ml, data) = DigitsWithTeacher();
        IReadOnlyList<LossTerm> dkd = [new(LossNames.CrossEntropy, 1), new(LossNames.DecoupledKnowledgeDistillation, 1, new Dictionary<string, double> { ["warmup"] = 2 })];
        IReadOnlyList<LossTerm> logits = [new(LossNames.CrossEntropy, 0.5f), new(LossNames.LogitMatching, 0.5f)];
        var search = new DistillationSearchOptions { Temperatures = [], Alphas = [], Recipes = [dkd, logits], Seed = 3 };
        var result = ml.Distillation.SearchTemperatureAndAlpha(data, Options(), search);

        Assert.Equal(3, result.Trials.Count);
        Assert.Equal(["0.5·ce + 0.5·logit-mse", "1·ce + 1·dkd(warmup=2)"], result.Trials.Where(t => !t.FromLabelsAlone).Select(t => t.Recipe!).Order());
        // Each recipe trial is the student that recipe trains on the split's training part, scored on its held-out part.
        var split = ml.Data.TrainTestSplit(data, 0.2, seed: 3);
        var options = Options();
        options.Losses = dkd;
        var again = ml.MulticlassClassification.Trainers.Distillation(options).Fit(split.TrainSet);
        var trial = result.Trials.Single(t => t.Recipe == "1·ce + 1·dkd(warmup=2)");
        Assert.Equal(TestData.Column(again.Transform(split.TestSet), "Score"), TestData.Column(trial.Student.Transform(split.TestSet), "Score"));
        Assert.Equal(ml.MulticlassClassification.Evaluate(again.Transform(split.TestSet)).MicroAccuracy, trial.Score, 12);

        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.SearchTemperatureAndAlpha(data, Options(),
            new DistillationSearchOptions { Recipes = [[]] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.SearchTemperatureAndAlpha(data, Options(),
            new DistillationSearchOptions { Temperatures = [] }));
    }

    [Fact]
    public void A_budget_tries_a_seeded_subset_and_regression_searches_alpha_alone()
    {
        var (ml, data) = DigitsWithTeacher();
        var search = new DistillationSearchOptions { Temperatures = [1f, 2f, 4f, 8f], Alphas = [0.1f, 0.5f, 0.9f], MaximumTrials = 2, Seed = 5 };
        var first = ml.Distillation.SearchTemperatureAndAlpha(data, Options(), search);
        var second = ml.Distillation.SearchTemperatureAndAlpha(data, Options(), search);
        Assert.Equal(3, first.Trials.Count);
        Assert.Equal(first.Trials.Select(t => (t.Temperature, t.Alpha, t.Score)), second.Trials.Select(t => (t.Temperature, t.Alpha, t.Score)));

        var concrete = TestData.Concrete(ml);
        var tree = ml.Regression.Trainers.FastTree(numberOfTrees: 30).Fit(concrete);
        var scored = ml.Data.Cache(ml.Transforms.TeacherScore(Teacher.FromTransformer(tree)).Fit(concrete).Transform(concrete));
        var regression = ml.Distillation.SearchTemperatureAndAlpha(scored, new DistillationRegressionTrainer.Options { NumberOfEpochs = 20, Seed = 1 },
            new DistillationSearchOptions { Temperatures = [1f, 4f], Alphas = [0.1f, 0.5f] });
        Assert.Equal(3, regression.Trials.Count); // labels alone + one per alpha: the temperature is not a regression setting
        Assert.All(regression.Trials, t => Assert.Equal("R²", t.Metric));
    }

    [Fact]
    public void Searches_that_cannot_compare_students_are_refused_by_name()
    {
        var ml = new MLContext(0);
        var plain = TestData.KeyedDigits(ml, 100);
        Assert.Contains("'TeacherLogits'", Assert.Throws<ArgumentException>(() => ml.Distillation.SearchTemperatureAndAlpha(plain, Options())).Message);
        var withLosses = Options();
        withLosses.Losses = [new(LossNames.CrossEntropy, 1)];
        var (_, data) = DigitsWithTeacher();
        Assert.Contains("Losses", Assert.Throws<ArgumentException>(() => ml.Distillation.SearchTemperatureAndAlpha(data, withLosses)).Message);
        Assert.Contains("Alphas", Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Distillation.SearchTemperatureAndAlpha(data, Options(), new DistillationSearchOptions { Alphas = [1f] })).Message);
        Assert.Contains("ValidationFraction", Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Distillation.SearchTemperatureAndAlpha(data, Options(), new DistillationSearchOptions { ValidationFraction = 1 })).Message);
    }
}
