using System.Reflection;
using Microsoft.ML;

namespace MLNet.Distillation.Internal;

/// <summary>
/// <see cref="SchemaShape"/> helpers. ML.NET gives estimators outside its own assemblies no public way to make a
/// <see cref="SchemaShape.Column"/> (its constructor and <c>SchemaShape.Create</c> are internal), yet
/// <see cref="IEstimator{TTransformer}.GetOutputSchema"/> must return new columns. We derive them from a real
/// <see cref="DataViewSchema"/> through the internal <c>SchemaShape.Create</c>, found once by reflection.
/// </summary>
internal static class SchemaShapes
{
    private static readonly Func<DataViewSchema, SchemaShape> Create = FindCreate();

    /// <summary>Columns of <paramref name="schema"/> as <see cref="SchemaShape.Column"/>s.</summary>
    public static IEnumerable<SchemaShape.Column> FromSchema(DataViewSchema schema) => Create(schema);

    /// <summary>Finds a column by name; null when absent.</summary>
    public static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        foreach (var column in shape)
            if (column.Name == name)
                return column;
        return null;
    }

    /// <summary><paramref name="input"/> with <paramref name="added"/> appended, replacing same-named columns.</summary>
    public static SchemaShape Append(SchemaShape input, DataViewSchema added)
    {
        var extra = FromSchema(added).ToList();
        return new SchemaShape(input.Where(c => extra.All(e => e.Name != c.Name)).Concat(extra));
    }

    private static Func<DataViewSchema, SchemaShape> FindCreate()
    {
        var method = typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
            ?? throw new MissingMethodException("SchemaShape.Create(DataViewSchema) was not found in this version of Microsoft.ML.");
        return method.CreateDelegate<Func<DataViewSchema, SchemaShape>>();
    }
}
