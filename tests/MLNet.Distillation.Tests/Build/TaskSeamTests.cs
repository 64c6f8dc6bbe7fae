using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MLNet.Distillation.Tests.Build;

/// <summary>
/// The task is the one seam (issue 19): what differs between binary, multiclass and regression is asked of a task object,
/// never decided by naming a task elsewhere. Outside the folders named <c>Tasks</c> (the library's training and evaluation
/// tasks, and one per project that reads the task: command line, report, runtime), no code in src/ names a task value
/// (<c>DistillationTask.Regression</c>) or tests for a task class (<c>is BinaryTask</c>). Adding a task means adding its
/// class in each Tasks folder and one line in that folder's registry.
/// </summary>
public sealed class TaskSeamTests
{
    private static readonly string[] TaskValues = ["BinaryClassification", "MulticlassClassification", "Regression"];

    private static readonly string[] TaskClasses = ["BinaryTask", "MulticlassTask", "RegressionTask"];

    /// <summary>
    /// Where naming a task is the point: the enum's own declaration, and each public per-task trainer's options saying
    /// which task they are (the catalog's typed entry points need a type per task; the options only declare it).
    /// </summary>
    private static readonly string[] Declarations =
    [
        "MLNet.Distillation.Runtime/DistillationTask.cs",
        "MLNet.Distillation/Training/DistillationBinaryTrainer.cs",
        "MLNet.Distillation/Training/DistillationMulticlassTrainer.cs",
        "MLNet.Distillation/Training/DistillationRegressionTrainer.cs",
    ];

    [Fact]
    public void No_code_outside_the_tasks_folders_names_a_task()
    {
        var found = new List<string>();
        foreach (var (file, relative) in SourceTree.Files())
        {
            if (relative.Split('/')[..^1].Contains("Tasks") || Declarations.Contains(relative))
                continue;
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var node in root.DescendantNodes())
            {
                bool namesTask = node switch
                {
                    MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "DistillationTask" } } access
                        => TaskValues.Contains(access.Name.Identifier.Text),
                    IdentifierNameSyntax identifier => TaskClasses.Contains(identifier.Identifier.Text),
                    _ => false,
                };
                if (namesTask)
                    found.Add($"{relative}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {node}");
            }
        }
        Assert.True(found.Count == 0, $"{found.Count} places outside a Tasks folder name a task; ask the task object instead:\n" + string.Join("\n", found));
    }
}
