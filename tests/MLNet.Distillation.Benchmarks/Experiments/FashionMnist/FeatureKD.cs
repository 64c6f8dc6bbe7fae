namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Feature and relation KD on hidden layers (every labelled image): a FitNets hint from the teacher's 256-unit dense layer
/// (<c>dense1</c> of its ONNX graph, emitted by TeacherScore's IntermediateOutputs) to the student's last hidden layer
/// through a learned 64 → 256 projector, beside the Hinton recipe (KD T = 4, α = 0.1; hint weight 1, not tuned); and, for
/// the MLP, RKD distance between the same two layers (weight 25, the paper's). Compare with the students experiment's
/// "KD T=4 α=0.1" rows (same seeds, same teacher).
/// </summary>
internal sealed class FeatureKD(FashionMnistContext context) : IExperiment
{
    private const string TeacherHidden = "TeacherHidden";

    public string Name => "featureKD";

    public ExperimentResult Run()
    {
        var settings = context.Settings;
        static IReadOnlyList<LossTerm> WithKd(LossTerm extra) => [new(LossNames.CrossEntropy, 0.1f), new(LossNames.KnowledgeDistillation, 0.9f), extra];
        var runs = new (string Student, Func<StudentArchitecture> Architecture, int Epochs, string Recipe, IReadOnlyList<LossTerm> Losses)[]
        {
            ("MLP 784-64-10", FashionMnistContext.Mlp, settings.MlpEpochs, "KD T=4 α=0.1 + hint (hidden1 ← teacher dense1, 64 → 256 projector)",
                WithKd(new(LossNames.Hint, 1) { StudentLayer = "hidden1", TeacherColumn = TeacherHidden })),
            ("MLP 784-64-10", FashionMnistContext.Mlp, settings.MlpEpochs, "KD T=4 α=0.1 + RKD distance 25 (hidden1 ↔ teacher dense1)",
                WithKd(new(LossNames.RelationDistance, 25) { StudentLayer = "hidden1", TeacherColumn = TeacherHidden })),
            ("CNN conv8-conv16-dense64", FashionMnistContext.SmallCnn, settings.CnnStudentEpochs, "KD T=4 α=0.1 + hint (dense1 ← teacher dense1, 64 → 256 projector)",
                WithKd(new(LossNames.Hint, 1) { StudentLayer = "dense1", TeacherColumn = TeacherHidden })),
        };
        var rows = runs.Select(r => StudentRuns.Run(context, r.Student, r.Architecture, r.Epochs, r.Recipe, 4f, 0.1f, context.Train,
            labelledRows: context.Train.RowCount, r.Losses, new Dictionary<string, string> { [TeacherHidden] = "dense1" }).Result).ToList();
        return new Result(rows);
    }

    internal sealed record Result(List<StudentRecipeResult> Students) : ExperimentResult
    {
        public override string ToMarkdown() => StudentRecipeResult.Table(Students, "Feature and relation KD on hidden layers, every labelled image:");
    }
}
