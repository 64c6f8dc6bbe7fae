using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Catalogs;

/// <summary>The trainers sit in ML.NET's task catalogs with ML.NET's two overloads, which share one set of defaults.</summary>
public sealed class TrainerCatalogTests
{
    [Fact]
    public void Parameter_overload_with_its_defaults_equals_the_options_overload_with_its_defaults()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 80);
        var fromParameters = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 2, seed: 4).Fit(data);
        var fromOptions = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 2, Seed = 4,
        }).Fit(data);
        Assert.Equal(fromOptions.Architecture, fromParameters.Architecture);
        Assert.Equal(TestData.Column(fromOptions.Transform(data), "Score"), TestData.Column(fromParameters.Transform(data), "Score"));

        var defaults = new DistillationMulticlassTrainer.Options();
        Assert.Equal("0.1·ce + 0.9·kd", ml.MulticlassClassification.Trainers.Distillation().LossRecipeDescription);
        Assert.Equal((4f, 0.1f, (int?)null, 256, 2e-3f), (defaults.Temperature, defaults.Alpha, defaults.NumberOfEpochs, defaults.BatchSize, defaults.LearningRate));
    }

    [Fact]
    public void The_trainer_logs_to_the_context_it_was_created_from()
    {
        var ml = new MLContext(0);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1, seed: 1).Fit(TestData.KeyedDigits(ml, 40));
        Assert.Contains(messages, m => m.Contains("Training MLP 64-64-10 on 40 rows"));
    }

    [Fact]
    public void Seed_from_the_context_makes_fits_repeatable()
    {
        float[][] Scores() { var ml = new MLContext(7); var d = TestData.KeyedDigits(ml, 60); return TestData.Column(ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1).Fit(d).Transform(d), "Score"); }
        Assert.Equal(Scores(), Scores());
    }
}
