using Microsoft.ML;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>A CNN trained from labels becomes the teacher of the next student, which also learns from unlabelled rows.</summary>
public sealed class TransferSetTests
{
    [Fact]
    public void Cnn_teacher_labels_the_unlabelled_rows_of_a_transfer_set()
    {
        var ml = new MLContext(0);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var train = TestData.DigitsInMemory(0, 900);
        var test = TestData.DigitsInMemory(900, 400);

        var cnn = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null,
            Student = new CnnStudent { InputShape = [1, 8, 8], ConvChannels = [16], DenseLayers = [64], Dropout = 0 },
            NumberOfEpochs = 15,
            LearningRate = 3e-3f,
            Seed = 1,
        }).Fit(train);
        double cnnAccuracy = ml.MulticlassClassification.Evaluate(cnn.Transform(test)).MicroAccuracy;
        Assert.True(cnnAccuracy > 0.9, $"CNN teacher accuracy {cnnAccuracy:P1}");

        // A CNN saves and reloads like any student.
        var zip = Path.Combine(Path.GetTempPath(), $"cnn-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Distillation.SaveStudent(cnn, train.Schema, zip);
            var reloaded = new MLContext(9).Distillation.LoadModel(zip, out _);
            Assert.Equal(TestData.Column(cnn.Transform(test), "Score"), TestData.Column(reloaded.Transform(test), "Score"));
        }
        finally { File.Delete(zip); }

        // Only 60 labels; the CNN teaches the other 840 rows through the soft-target term.
        var fewLabels = train.WithLabelsOnly(Enumerable.Range(0, 60).ToHashSet());
        var reports = new List<EpochReport>();
        DistillationMulticlassTrainer.Options StudentOptions(string? teacherColumn) => new()
        {
            TeacherColumnName = teacherColumn,
            Student = new MlpStudent { HiddenLayers = [32] },
            NumberOfEpochs = 30,
            LearningRate = 3e-3f,
            Alpha = 0.5f,
            Seed = 2,
            Progress = new SynchronousProgress<EpochReport>(reports.Add),
        };
        using var teacher = Teacher.FromStudent(cnn);
        var distilled = ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(StudentOptions(DefaultColumnNames.TeacherLogits))).Fit(fewLabels);
        var fromLabels = ml.MulticlassClassification.Trainers.Distillation(StudentOptions(null)).Fit(fewLabels);

        double distilledAccuracy = ml.MulticlassClassification.Evaluate(distilled.Transform(test)).MicroAccuracy;
        double labelsOnlyAccuracy = ml.MulticlassClassification.Evaluate(fromLabels.Transform(test)).MicroAccuracy;
        Assert.True(distilledAccuracy > labelsOnlyAccuracy + 0.03, $"distilled {distilledAccuracy:P1} vs labels only {labelsOnlyAccuracy:P1}");
        Assert.Contains(messages, m => m.Contains("840 of 900 rows have no label"));
        Assert.All(reports.Take(30), r => Assert.True(r.LossTerms.ContainsKey("kd")));
    }

}
