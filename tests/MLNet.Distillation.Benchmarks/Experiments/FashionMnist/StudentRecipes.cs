namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// MLP and small-CNN students with all labels: from labels alone, distilled with two Hinton recipes, and with decoupled KD
/// (mdistiller's CIFAR-100 settings, α = 1, β = 8, T = 4, with the warm-up shortened from 20 of 240 epochs to 5), and with
/// relational KD on the logits (RKD distance and angle at the paper's weights).
/// </summary>
internal sealed class StudentRecipes(FashionMnistContext context) : IExperiment
{
    public string Name => "students";

    public ExperimentResult Run()
    {
        var settings = context.Settings;
        IReadOnlyList<LossTerm> dkd = [new(LossNames.CrossEntropy, 1), new(LossNames.DecoupledKnowledgeDistillation, 1,
            new Dictionary<string, double> { ["alpha"] = 1, ["beta"] = 8, ["temperature"] = 4, ["warmup"] = 5 })];
        var recipes = new (string Name, float? Temperature, float Alpha, IReadOnlyList<LossTerm>? Losses)[]
        {
            ("from labels", null, 1f, null), ("KD T=4 α=0.1", 4f, 0.1f, null), ("KD T=2 α=0.5", 2f, 0.5f, null),
            ("CE + DKD T=4 α=1 β=8, warm-up 5", 4f, 0.1f, dkd),
            ("CE + RKD on logits (distance 25, angle 50)", 4f, 0.1f, [new(LossNames.CrossEntropy, 1), new(LossNames.RelationDistance, 25), new(LossNames.RelationAngle, 50)]),
        };
        var students = new (string Name, Func<StudentArchitecture> Architecture, int Epochs)[]
        {
            ("MLP 784-64-10", FashionMnistContext.Mlp, settings.MlpEpochs),
            ("CNN conv8-conv16-dense64", FashionMnistContext.SmallCnn, settings.CnnStudentEpochs),
        };
        var rows = new List<StudentRecipeResult>();
        foreach (var (name, architecture, epochs) in students)
            foreach (var recipe in recipes)
            {
                var (result, first) = StudentRuns.Run(context, name, architecture, epochs, recipe.Name, recipe.Temperature, recipe.Alpha,
                    context.Train, labelledRows: context.Train.RowCount, recipe.Losses);
                rows.Add(result);
                if (recipe.Losses is null && recipe.Temperature is null or 4f)
                    context.LatencyModels.Add(($"{name}, {recipe.Name}", first));
            }
        return new Result(rows);
    }

    internal sealed record Result(List<StudentRecipeResult> Students) : ExperimentResult
    {
        public override string ToMarkdown() => StudentRecipeResult.Table(Students, "Students trained on every labelled image:");
    }
}
