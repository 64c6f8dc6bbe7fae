using Microsoft.ML;
using MLNet.Distillation.Losses;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>The decoupled KD term against mdistiller's code run by PyTorch (values and gradients), and in a Fit.</summary>
public sealed class DecoupledKDLossTests
{
    [Theory]
    [MemberData(nameof(DKDReferenceCase.Indices), MemberType = typeof(DKDReferenceCase))]
    public void Loss_and_gradient_match_the_reference_code(int index)
    {
        var c = DKDReferenceCase.All[index];
        using var scope = NewDisposeScope();
        var student = tensor(c.Student, [c.Batch, c.Classes], ScalarType.Float64).requires_grad_(true);
        var batch = new DistillationBatch(student, tensor(c.Labels), tensor(c.Teacher, [c.Batch, c.Classes], ScalarType.Float64), c.Epoch);
        var loss = new DecoupledKDLoss(c.Alpha, c.Beta, (float)c.Temperature, c.Warmup).Compute(batch);
        loss.backward();

        string what = $"T={c.Temperature}, alpha={c.Alpha}, beta={c.Beta}, epoch {c.Epoch} of warm-up {c.Warmup}, unlabelled row {c.UnlabelledRow}";
        Tolerance.Close([c.Loss], [loss.item<double>()], 1e-9, 1e-9, "DKD " + what);
        Tolerance.Close(c.Grad, student.grad!.data<double>().ToArray(), 1e-9, 1e-7, "gradient " + what);
        if (c.UnlabelledRow >= 0)
            Assert.All(student.grad!.data<double>().Skip(c.UnlabelledRow * c.Classes).Take(c.Classes), g => Assert.Equal(0, g));
    }

    [Fact]
    public void Tckd_and_nckd_weights_separate_the_two_parts()
    {
        // With the reference's own parts: α=1, β=0 gives TCKD alone and α=0, β=1 NCKD alone (warm-up off, T² included).
        var c = DKDReferenceCase.All.First(r => r.Warmup == 0 && r.UnlabelledRow < 0);
        using var scope = NewDisposeScope();
        DistillationBatch Batch() => new(tensor(c.Student, [c.Batch, c.Classes], ScalarType.Float64), tensor(c.Labels),
            tensor(c.Teacher, [c.Batch, c.Classes], ScalarType.Float64), 0);
        Tolerance.Close([c.Tckd], [new DecoupledKDLoss(1, 0, (float)c.Temperature, 0).Compute(Batch()).item<double>()], 1e-9, 1e-9, "TCKD");
        Tolerance.Close([c.Nckd], [new DecoupledKDLoss(0, 1, (float)c.Temperature, 0).Compute(Batch()).item<double>()], 1e-9, 1e-9, "NCKD");
    }

    [Fact]
    public void Settings_are_read_from_the_recipe_and_bad_ones_are_named()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var scored = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 30, seed: 1).Fit(data);
        using var teacher = Teacher.FromStudent(scored);
        var withTeacher = ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data);
        var reports = new List<EpochReport>();
        var student = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            Losses = [new(LossNames.CrossEntropy, 1), new(LossNames.DecoupledKnowledgeDistillation, 1, new Dictionary<string, double> { ["beta"] = 2, ["warmup"] = 5 })],
            NumberOfEpochs = 10, Seed = 1, Progress = new SynchronousProgress<EpochReport>(reports.Add),
        }).Fit(withTeacher);
        Assert.Equal("1·ce + 1·dkd", ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        { Losses = [new(LossNames.CrossEntropy, 1), new(LossNames.DecoupledKnowledgeDistillation, 1)] }).LossRecipeDescription);
        Assert.Equal(10, reports.Count);
        Assert.All(reports, r => Assert.True(r.LossTerms.ContainsKey(LossNames.DecoupledKnowledgeDistillation)));
        Assert.True(ml.MulticlassClassification.Evaluate(student.Transform(withTeacher)).MicroAccuracy > 0.8);

        var error = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            Losses = [new(LossNames.CrossEntropy, 1), new(LossNames.DecoupledKnowledgeDistillation, 1, new Dictionary<string, double> { ["warmup"] = 2.5 })],
        }));
        Assert.Contains("'dkd'", error.Message);
        Assert.Contains("warmup", error.Message);
        Assert.Contains("'dkd' is for multiclass", Assert.Throws<ArgumentException>(() => ml.BinaryClassification.Trainers.Distillation(
            new DistillationBinaryTrainer.Options { Losses = [new(LossNames.DecoupledKnowledgeDistillation, 1)] })).Message);
    }
}
