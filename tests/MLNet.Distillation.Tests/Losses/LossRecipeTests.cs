using Microsoft.ML;
using MLNet.Distillation.Losses;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>Recipes are data: names, weights and settings, served by the registry; every mistake in one is named.</summary>
public sealed class LossRecipeTests
{
    private static DistillationMulticlassTrainer.Options Options(IReadOnlyList<LossTerm>? losses, string? teacher = DefaultColumnNames.TeacherLogits) => new()
    {
        TeacherColumnName = teacher,
        Losses = losses,
        Student = new MlpStudent { HiddenLayers = [8] },
        NumberOfEpochs = 3,
        Seed = 1,
    };

    private static Dictionary<string, double> Temperature(double t) => new() { ["temperature"] = t };

    [Fact]
    public void Default_recipe_is_alpha_hard_plus_one_minus_alpha_soft_and_drops_terms_of_weight_zero()
    {
        var ml = new MLContext(0);
        Assert.Equal("0.1·ce + 0.9·kd", ml.MulticlassClassification.Trainers.Distillation().LossRecipeDescription);
        Assert.Equal("0.3·ce + 0.7·kd", ml.MulticlassClassification.Trainers.Distillation(alpha: 0.3f).LossRecipeDescription);
        Assert.Equal("1·kd", ml.MulticlassClassification.Trainers.Distillation(alpha: 0f).LossRecipeDescription);
        Assert.Equal("1·ce", ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null).LossRecipeDescription);
    }

    [Fact]
    public void A_recipe_trains_end_to_end_and_reports_each_of_its_terms()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 120);
        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });
        var recipe = new LossTerm[] { new(LossNames.CrossEntropy, 0.2f), new(LossNames.KnowledgeDistillation, 0.5f, Temperature(2)), new(LossNames.LogitMatching, 0.3f) };
        var trainer = ml.MulticlassClassification.Trainers.Distillation(Options(recipe));
        Assert.Equal("0.2·ce + 0.5·kd + 0.3·logit-mse", trainer.LossRecipeDescription);
        var student = ml.Transforms.TeacherScore(teacher).Append(trainer).Fit(data).LastTransformer;
        Assert.All(student.TrainingHistory, r =>
        {
            Assert.Equal(["ce", "kd", "logit-mse"], r.LossTerms.Keys.Order());
            Assert.Equal(0.2 * r.LossTerms["ce"] + 0.5 * r.LossTerms["kd"] + 0.3 * r.LossTerms["logit-mse"], r.TotalLoss, 4);
        });
    }

    [Fact]
    public void A_recipe_term_takes_its_own_temperature_or_the_trainers()
    {
        var own = (SoftTargetKLDivergenceLoss)LossRegistry.Create(new LossTerm("kd", 1, Temperature(2.5)), DistillationTask.MulticlassClassification, 4f);
        var trainers = (SoftTargetKLDivergenceLoss)LossRegistry.Create(new LossTerm("KD", 1), DistillationTask.MulticlassClassification, 4f);
        Assert.Equal(2.5f, own.Temperature);
        Assert.Equal(4f, trainers.Temperature);
    }

    [Fact]
    public void Negative_or_infinite_weights_are_refused_when_the_entry_is_written()
    {
        Assert.Contains("'kd'", Assert.Throws<ArgumentOutOfRangeException>(() => new LossTerm("kd", -0.5f)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LossTerm("kd", float.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new LossTerm(" ", 1));
        Assert.Equal("0.9·kd(temperature=4)", new LossTerm("kd", 0.9f, Temperature(4)).ToString());
    }

    [Fact]
    public void The_registry_grows_but_never_changes_a_name()
    {
        string name = $"test-zero-{Guid.NewGuid():N}";
        LossRegistry.Register(name, p => new ConstantLoss(name, p.Get("value", 0)), DistillationTask.MulticlassClassification);
        Assert.Contains(name, LossRegistry.NamesFor(DistillationTask.MulticlassClassification));
        Assert.DoesNotContain(name, LossRegistry.NamesFor(DistillationTask.Regression));
        var built = LossRegistry.Create(new LossTerm(name, 1, new Dictionary<string, double> { ["value"] = 2 }), DistillationTask.MulticlassClassification, 4);
        Assert.Equal(2, ((ConstantLoss)built).Value);

        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => LossRegistry.Register(name, p => new ConstantLoss(name, 0), DistillationTask.Regression)).Message);
        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => LossRegistry.Register("KD", p => new ConstantLoss("kd", 0), DistillationTask.MulticlassClassification)).Message);
        Assert.Throws<ArgumentException>(() => LossRegistry.Register("no-task", p => new ConstantLoss("x", 0)));
        Assert.Contains("not regression", Assert.Throws<ArgumentException>(() =>
            LossRegistry.Create(new LossTerm("ce", 1), DistillationTask.Regression, 4)).Message);
    }

    [Fact]
    public void Rows_without_labels_are_kept_only_when_a_term_learns_from_them()
    {
        var ml = new MLContext(0);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var data = TestData.DigitsInMemory(0, 100).WithLabelsOnly(Enumerable.Range(0, 40).ToHashSet());
        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });

        // Labels only: the 60 rows without a label are left out, as ML.NET's trainers do.
        var fromLabels = ml.MulticlassClassification.Trainers.Distillation(Options([new("ce", 1)], teacher: null)).Fit(data);
        Assert.Equal(3L * 40, fromLabels.Profile.SamplesTrained);
        Assert.Contains(messages, m => m.Contains("Left out 60 rows"));

        // A teacher term learns from them: all 100 rows train.
        var distilled = ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(Options(null))).Fit(data).LastTransformer;
        Assert.Equal(3L * 100, distilled.Profile.SamplesTrained);
        Assert.Contains(messages, m => m.Contains("60 of 100 rows have no label"));

        // No labelled row at all, yet a term that needs labels: refused before training.
        var unlabelled = data.WithLabelsOnly(new HashSet<int>());
        var error = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(Options(null))).Fit(unlabelled));
        Assert.Contains("No training row has a label in column 'Label'", error.Message);
        // ...but a recipe of teacher terms alone trains from the teacher only.
        var teacherOnly = ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(Options([new("kd", 1)]))).Fit(unlabelled).LastTransformer;
        Assert.Equal(3L * 100, teacherOnly.Profile.SamplesTrained);
    }

    private sealed class ConstantLoss(string name, double value) : IDistillationLoss
    {
        public double Value => value;
        public string Name => name;
        public bool NeedsLabels => false;
        public bool NeedsTeacher => false;
        public Tensor Compute(DistillationBatch batch) => tensor(value);
    }
}
