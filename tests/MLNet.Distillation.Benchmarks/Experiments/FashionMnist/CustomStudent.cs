using TorchSharp;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// A custom TorchSharp student (<see cref="TorchSharpStudent"/>): the small CNN's layers with BatchNorm after each
/// convolution, written as an nn.Sequential, from labels and distilled (KD T=4, α=0.1). Its BatchNorms are folded into the
/// convolutions at export, so it scores at the plain CNN's cost.
/// </summary>
internal sealed class CustomStudent(FashionMnistContext context) : IExperiment
{
    public string Name => "customStudent";

    public static StudentArchitecture ConvBatchNorm() => new TorchSharpStudent((inputs, classes) => torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding: 1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding: 1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 7 * 7, 64), torch.nn.ReLU(), torch.nn.Linear(64, classes)), "custom conv8-bn-conv16-bn-dense64")
    {
        InputShape = [1, 28, 28],
    };

    public ExperimentResult Run()
    {
        var rows = new List<StudentRecipeResult>();
        foreach (var (recipe, temperature, alpha) in new (string, float?, float)[] { ("from labels", null, 1f), ("KD T=4 α=0.1", 4f, 0.1f) })
        {
            var (result, first) = StudentRuns.Run(context, "custom CNN conv8-bn-conv16-bn-dense64", ConvBatchNorm, context.Settings.CnnStudentEpochs,
                recipe, temperature, alpha, context.Train, labelledRows: context.Train.RowCount);
            rows.Add(result);
            context.LatencyModels.Add(($"custom CNN (BatchNorm folded), {recipe}", first));
        }
        return new Result(rows);
    }

    internal sealed record Result(List<StudentRecipeResult> Students) : ExperimentResult
    {
        public override string ToMarkdown() => StudentRecipeResult.Table(Students, "A custom TorchSharp student (nn.Sequential with BatchNorm) on every labelled image:");
    }
}
