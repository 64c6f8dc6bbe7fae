using Microsoft.ML;
using MLNet.Distillation.Losses;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Losses;

/// <summary>RKD distance, RKD angle and similarity-preserving KD against the authors' code run by PyTorch, and in a Fit.</summary>
public sealed class RelationLossTests
{
    public static IEnumerable<object[]> Cases => from i in Enumerable.Range(0, RelationReferenceCase.All.Count)
                                                 from name in new[] { LossNames.RelationDistance, LossNames.RelationAngle, LossNames.SimilarityPreserving }
                                                 select new object[] { i, name };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradient_match_the_authors_code(int index, string name)
    {
        var c = RelationReferenceCase.All[index];
        using var scope = NewDisposeScope();
        var student = tensor(c.Student, [c.Batch, c.Width], ScalarType.Float64).requires_grad_(true);
        var batch = new DistillationBatch(student, null, tensor(c.Teacher, [c.Batch, c.Width], ScalarType.Float64), 0);
        IDistillationLoss term = name switch
        {
            LossNames.RelationDistance => new RelationDistanceLoss(),
            LossNames.RelationAngle => new RelationAngleLoss(),
            _ => new SimilarityPreservingLoss(),
        };
        var (value, grad) = name switch
        {
            LossNames.RelationDistance => (c.RkdDistance, c.RkdDistanceGrad),
            LossNames.RelationAngle => (c.RkdAngle, c.RkdAngleGrad),
            _ => (c.Sp, c.SpGrad),
        };
        var loss = term.Compute(batch);
        loss.backward();
        Tolerance.Close([value], [loss.item<double>()], 1e-9, 1e-9, $"{name}, batch {c.Batch} × {c.Width}");
        Tolerance.Close(grad, student.grad!.data<double>().ToArray(), 1e-9, 1e-7, $"{name} gradient, batch {c.Batch} × {c.Width}");
    }

    [Fact]
    public void A_batch_of_one_row_adds_nothing_rather_than_nan()
    {
        using var scope = NewDisposeScope();
        var batch = new DistillationBatch(tensor(new[] { 1.0, 2.0 }, [1, 2], ScalarType.Float64), null, tensor(new[] { 0.5, 0.0 }, [1, 2], ScalarType.Float64), 0);
        foreach (IDistillationLoss term in new IDistillationLoss[] { new RelationDistanceLoss(), new RelationAngleLoss(), new SimilarityPreservingLoss() })
            Assert.True(double.IsFinite(term.Compute(batch).item<double>()), term.Name);
    }

    [Fact]
    public void Relation_terms_train_a_student_beside_the_label_term()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var teacherModel = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, seed: 1).Fit(data);
        using var teacher = Teacher.FromStudent(teacherModel);
        var scored = ml.Data.Cache(ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data));
        var reports = new List<EpochReport>();
        var student = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            Losses = [new(LossNames.CrossEntropy, 1), new(LossNames.RelationDistance, 25), new(LossNames.RelationAngle, 50), new(LossNames.SimilarityPreserving, 3000)],
            NumberOfEpochs = 150, Seed = 1, BatchSize = 64, Progress = new SynchronousProgress<EpochReport>(reports.Add),
        }).Fit(scored);
        Assert.All(reports, r => Assert.True(new[] { "rkd-distance", "rkd-angle", "sp" }.All(r.LossTerms.ContainsKey)));
        double accuracy = ml.MulticlassClassification.Evaluate(student.Transform(scored)).MicroAccuracy;
        Assert.True(accuracy > 0.8, $"accuracy {accuracy:P1}; last epoch {reports[^1]}");
        // Relation terms compare representations, which every task has (FeatureDistillationTests trains them on binary and regression students).
        Assert.Contains(LossNames.SimilarityPreserving, LossRegistry.NamesFor(DistillationTask.Regression));
    }
}
