using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Which of a saved student's input columns is its label, for <c>distill evaluate</c> without <c>--label</c>. The
/// featuriser <c>distill train</c> saves ends with the stage that maps the label column to <c>Label</c> (the class
/// names to keys, a text label to true/false, or a copy); every other stage has already consumed its inputs. So the label
/// is the one column that stage cannot do without: offered the schema before it, less one candidate at a time, it
/// refuses exactly the label's absence. Without the name, the binary check of <c>--data</c>'s labels (a third value, an
/// empty label) could not run, and the tables would call the classes False and True.
/// </summary>
internal static class SavedLabelColumn
{
    /// <summary>
    /// The input column the featuriser's last stage reads, or null when the featuriser is not a chain or no single
    /// column is required by that stage (a regression label already named <c>Label</c> needs no mapping).
    /// </summary>
    /// <param name="featurizer">The saved model's first stage: <c>distill train</c>'s featuriser and label mapping.</param>
    /// <param name="inputSchema">The saved model's input schema (the CSV's columns as train read them).</param>
    public static string? Find(ITransformer featurizer, DataViewSchema inputSchema)
    {
        if (featurizer is not TransformerChain<ITransformer> chain || !chain.Any())
            return null;
        var stages = chain.ToList();
        var beforeLast = inputSchema;
        foreach (var stage in stages.Take(stages.Count - 1))
            beforeLast = stage.GetOutputSchema(beforeLast);
        var required = inputSchema.Where(c => !c.IsHidden)
            .Where(c => !Accepts(stages[^1], Without(beforeLast, c.Name)))
            .Select(c => c.Name)
            .ToList();
        return required.Count == 1 ? required[0] : null;
    }

    private static bool Accepts(ITransformer stage, DataViewSchema schema)
    {
        try
        {
            stage.GetOutputSchema(schema);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // ML.NET reports a missing input column as a schema mismatch (ArgumentOutOfRangeException).
            return false;
        }
    }

    private static DataViewSchema Without(DataViewSchema schema, string name)
    {
        var builder = new DataViewSchema.Builder();
        // Visible columns only: a hidden one is shadowed by a later column of its name, which the builder would shadow anew.
        foreach (var column in schema.Where(c => !c.IsHidden && c.Name != name))
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        return builder.ToSchema();
    }
}
