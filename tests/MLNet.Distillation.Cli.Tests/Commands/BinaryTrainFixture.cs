using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Commands;

/// <summary>
/// One <c>distill train</c> run on breast_cancer.csv (binary, LightGbm teacher, 8 epochs), shared by the tests that read
/// its outputs: run in-process through <see cref="TrainCommand.Execute"/>, so the in-memory model can be compared with the saved one.
/// </summary>
public sealed class BinaryTrainFixture : IDisposable
{
    public BinaryTrainFixture()
    {
        var args = new RunArguments
        {
            Data = Distill.Fixture("breast_cancer.csv"),
            Label = "Malignant",
            Teacher = TeacherSource.Parse("lightgbm"),
            Out = Folder.Path,
            Epochs = 8,
            Seed = 1,
        };
        using var output = new StringWriter();
        Result = TrainCommand.Execute(args, Distill.Quiet(output), CancellationToken.None);
        Console = output.ToString();
    }

    internal TempFolder Folder { get; } = new();

    internal TrainCommand.Result Result { get; }

    /// <summary>What the run printed.</summary>
    internal string Console { get; }

    public void Dispose()
    {
        Result.Student.Dispose();
        Folder.Dispose();
    }
}
