namespace MLNet.Distillation.Benchmarks;

/// <summary>MLP and small-CNN students with all labels: from labels alone, and distilled with two recipes.</summary>
internal sealed class StudentRecipes(FashionMnistContext context) : IExperiment
{
    public string Name => "students";

    public ExperimentResult Run()
    {
        var settings = context.Settings;
        var recipes = new (string Name, float? Temperature, float Alpha)[] { ("from labels", null, 1f), ("KD T=4 α=0.1", 4f, 0.1f), ("KD T=2 α=0.5", 2f, 0.5f) };
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
                    context.Train, labelledRows: context.Train.RowCount);
                rows.Add(result);
                if (recipe.Temperature is null or 4f)
                    context.LatencyModels.Add(($"{name}, {recipe.Name}", first));
            }
        return new Result(rows);
    }

    internal sealed record Result(List<StudentRecipeResult> Students) : ExperimentResult
    {
        public override string ToMarkdown() => StudentRecipeResult.Table(Students, "Students trained on every labelled image:");
    }
}
