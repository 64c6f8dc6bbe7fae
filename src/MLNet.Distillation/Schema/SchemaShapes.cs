using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

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
    public static SchemaShape FromSchema(DataViewSchema schema) => Create(schema);

    /// <summary>Finds a column by name; null when absent.</summary>
    public static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        foreach (var column in shape)
            if (column.Name == name)
                return column;
        return null;
    }

    /// <summary>Finds an annotation column by name; null when absent.</summary>
    public static SchemaShape.Column? FindAnnotation(SchemaShape.Column column, string name)
        => column.Annotations is null ? null : Find(column.Annotations, name);

    /// <summary><paramref name="input"/> with <paramref name="added"/> appended, replacing same-named columns.</summary>
    public static SchemaShape Append(SchemaShape input, DataViewSchema added)
    {
        var extra = FromSchema(added).ToList();
        return new SchemaShape(input.Where(c => extra.All(e => e.Name != c.Name)).Concat(extra));
    }

    /// <summary>
    /// Adds an annotation of the same name, kind and item type as <paramref name="shape"/> to <paramref name="builder"/>.
    /// Only its type matters (a shape carries no values); reading it is an error.
    /// </summary>
    public static void AddPlaceholderAnnotation(DataViewSchema.Annotations.Builder builder, SchemaShape.Column shape)
    {
        var item = (PrimitiveDataViewType)shape.ItemType;
        var add = typeof(SchemaShapes).GetMethod(nameof(AddTyped), BindingFlags.Static | BindingFlags.NonPublic)!.MakeGenericMethod(item.RawType);
        add.Invoke(null, [builder, shape.Name, item, shape.Kind != SchemaShape.Column.VectorKind.Scalar]);
    }

    private static void AddTyped<T>(DataViewSchema.Annotations.Builder builder, string name, PrimitiveDataViewType item, bool vector)
    {
        if (vector)
            builder.Add(name, new VectorDataViewType(item, 1), (ref VBuffer<T> _) => throw NoValues(name));
        else
            builder.Add(name, item, (ref T _) => throw NoValues(name));
    }

    private static InvalidOperationException NoValues(string name) => new($"Annotation '{name}' of a schema shape has no values.");

    private static Func<DataViewSchema, SchemaShape> FindCreate()
    {
        var method = typeof(SchemaShape)
            .GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
            ?? throw new MissingMethodException("SchemaShape.Create(DataViewSchema) was not found in this version of Microsoft.ML.");
        return method.CreateDelegate<Func<DataViewSchema, SchemaShape>>();
    }
}
