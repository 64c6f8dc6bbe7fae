using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// What the estimators check about a column, read either from a <see cref="SchemaShape"/> (before any data exists:
/// sizes and key counts unknown) or from a real <see cref="DataViewSchema"/> (everything known). Both go through the
/// same checks, so <c>GetOutputSchema</c> and <c>Fit</c> can never disagree about what they accept.
/// </summary>
internal sealed record ColumnView(
    string Name,
    SchemaShape.Column.VectorKind Kind,
    Type RawItemType,
    bool IsKey,
    int? VectorSize,
    ulong? KeyCount,
    DataViewType? KeyValuesItemType,
    string TypeDescription)
{
    /// <summary>The annotation ML.NET puts on key columns to carry the values the keys stand for.</summary>
    public const string KeyValuesAnnotation = "KeyValues";

    /// <summary>The annotation that names the slots of a vector column.</summary>
    public const string SlotNamesAnnotation = "SlotNames";

    public bool IsKnownSizeVector => Kind == SchemaShape.Column.VectorKind.Vector;

    public bool IsScalar => Kind == SchemaShape.Column.VectorKind.Scalar;

    public static ColumnView From(SchemaShape.Column column)
    {
        DataViewType? keyValues = SchemaShapes.FindAnnotation(column, KeyValuesAnnotation)?.ItemType;
        string kind = column.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => "vector of ",
            SchemaShape.Column.VectorKind.VariableVector => "variable-size vector of ",
            _ => "",
        };
        return new ColumnView(column.Name, column.Kind, column.ItemType.RawType, column.IsKey, null, null, keyValues,
            $"{kind}{(column.IsKey ? "key of " : "")}{column.ItemType.RawType.Name}");
    }

    public static ColumnView From(DataViewSchema.Column column)
    {
        var type = column.Type;
        var kind = type is VectorDataViewType vector
            ? vector.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector
            : SchemaShape.Column.VectorKind.Scalar;
        var item = type is VectorDataViewType v ? v.ItemType : type;
        DataViewType? keyValues = column.Annotations.Schema.GetColumnOrNull(KeyValuesAnnotation)?.Type is VectorDataViewType values
            ? values.ItemType : null;
        return new ColumnView(column.Name, kind, item.RawType, item is KeyDataViewType,
            type is VectorDataViewType { IsKnownSize: true } known ? known.Size : null,
            item is KeyDataViewType key ? key.Count : null, keyValues, type.ToString() ?? type.RawType.Name);
    }

    /// <summary>Finds a column by name in a shape; null when absent.</summary>
    public static ColumnView? Find(SchemaShape shape, string name)
        => SchemaShapes.Find(shape, name) is { } column ? From(column) : null;

    /// <summary>Finds a visible column by name in a schema; null when absent.</summary>
    public static ColumnView? Find(DataViewSchema schema, string name)
        => schema.GetColumnOrNull(name) is { } column ? From(column) : null;
}
