namespace MLNet.Distillation.Benchmarks;

/// <summary>Scarce labels: only some images keep theirs, and the teacher labels the rest (a transfer set).</summary>
internal sealed class TransferSet(FashionMnistContext context) : IExperiment
{
    public string Name => "transferSet";

    public ExperimentResult Run()
    {
        var (train, settings) = (context.Train, context.Settings);
        var labelled = Enumerable.Range(0, settings.TransferLabelledRows).ToHashSet();
        var fewLabels = train.Select(labelled.Order().ToArray());
        var transfer = train.WithLabelsOnly(labelled);
        const string Mlp = "MLP 784-64-10";
        return new Result(
        [
            StudentRuns.Run(context, Mlp, FashionMnistContext.Mlp, settings.MlpEpochs, $"from {labelled.Count:N0} labels only", null, 1f, fewLabels, labelled.Count).Result,
            StudentRuns.Run(context, Mlp, FashionMnistContext.Mlp, settings.MlpEpochs, $"KD T=4 α=0.1, {labelled.Count:N0} labels + teacher on the rest", 4f, 0.1f, transfer, labelled.Count).Result,
            StudentRuns.Run(context, Mlp, FashionMnistContext.Mlp, settings.MlpEpochs, $"KD T=4 α=0.5, {labelled.Count:N0} labels + teacher on the rest", 4f, 0.5f, transfer, labelled.Count).Result,
        ]);
    }

    internal sealed record Result(List<StudentRecipeResult> Students) : ExperimentResult
    {
        public override string ToMarkdown() => StudentRecipeResult.Table(Students, "Scarce labels: the teacher labels the images whose labels were withheld:");
    }
}
