using Microsoft.ML;
using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Teachers;

/// <summary>
/// <c>--teacher-outputs</c>: the library refuses an ONNX teacher whose outputs are plainly probabilities when nobody said
/// what they are, naming <c>OnnxTeacherOptions.OutputKind</c>; on the command line the same refusal names the flag.
/// </summary>
public sealed class TeacherOutputsTests
{
    [Fact]
    public void The_librarys_probability_refusal_names_the_flag_on_the_command_line()
    {
        var ml = new MLContext(0);
        var schema = CsvColumnInference.Infer(Distill.Fixture("breast_cancer.csv"), "--data");
        var plan = Featurization.Plan(schema, schema.Column("Malignant", "--label"), DistillationTask.BinaryClassification);
        var raw = plan.Load(ml);
        var data = ml.Data.Cache(plan.Estimator(ml).Fit(raw).Transform(raw));
        var student = ml.BinaryClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 2, seed: 1).Fit(data);
        // The student's own probability output, taken as a teacher with its kind unset: the refusal a user meets.
        var teacher = Teacher.FromOnnx(new MemoryStream(student.ToOnnx()), new OnnxTeacherOptions { OnnxOutputName = "Probability" });
        var refusal = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.TeacherScore(teacher)
            .Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 1, seed: 1)).Fit(data));
        Assert.Contains("OnnxTeacherOptions.OutputKind = TeacherOutputKind.Probabilities", refusal.Message);

        string message = CliException.TrainingFailed(refusal.Message).Message;
        Assert.Contains("Pass --teacher-outputs probabilities", message);
        Assert.Contains("or --teacher-outputs logits if these really are logits", message);
        Assert.DoesNotContain("Set OnnxTeacherOptions.OutputKind", message);

        // With the kind stated, as --teacher-outputs probabilities passes it, the same teacher trains.
        var stated = Teacher.FromOnnx(new MemoryStream(student.ToOnnx()), new OnnxTeacherOptions { OnnxOutputName = "Probability", OutputKind = TeacherOutputKind.Probabilities });
        ml.Transforms.TeacherScore(stated).Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 1, seed: 1)).Fit(data);
        Assert.Equal(TeacherOutputKind.Probabilities, new TeacherSource(TeacherKind.Onnx, "t.onnx").WithOutputs("Probabilities").OutputKind);
    }
}
