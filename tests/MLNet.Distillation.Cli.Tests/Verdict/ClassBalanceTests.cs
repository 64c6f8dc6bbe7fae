using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli.Tests.Verdict;

/// <summary>
/// A multiclass label's classes as <c>distill evaluate</c> names them without the training file: the key values the saved
/// model's label mapping carries, text or numbers, in key order; and the counts that the majority-class floor is built from.
/// </summary>
public sealed class ClassBalanceTests
{
    [Fact]
    public void Key_names_are_the_mappings_text_or_numeric_values_in_key_order_and_counts_skip_rows_without_a_class()
    {
        var ml = new MLContext(0);
        var rows = ml.Data.LoadFromEnumerable(new[] { "b", "a", "c", "b", "b" }.Select((t, i) => new Row { Text = t, Number = i % 2 == 0 ? 7.5f : 2f }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "Text", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.Conversion.MapValueToKey("NumberKey", "Number", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue))
            .Fit(rows).Transform(rows);
        Assert.Equal(["a", "b", "c"], ClassBalance.KeyNames(keyed.Schema["Label"]));
        Assert.Equal(["2", "7.5"], ClassBalance.KeyNames(keyed.Schema["NumberKey"]));

        var balance = ClassBalance.Of(keyed, ClassBalance.KeyNames(keyed.Schema["Label"]));
        Assert.Equal([("a", 1L), ("b", 3L), ("c", 1L)], balance.Classes);
        Assert.Equal("b", balance.Majority);
        Assert.Equal(0.6, balance.MajorityShare, 12);

        // A key without values is named by its key numbers, and a missing key (0) belongs to no class.
        var bare = ml.Data.LoadFromEnumerable(new[] { 1u, 3u, 2u, 2u }.Select(k => new KeyRow { Label = k }),
            SchemaFor(3));
        Assert.Equal(["1", "2", "3"], ClassBalance.KeyNames(bare.Schema["Label"]));
        Assert.Equal([("1", 0L), ("2", 1L), ("3", 2L)], ClassBalance.Of(bare, ClassBalance.KeyNames(bare.Schema["Label"])).Classes);
    }

    private static SchemaDefinition SchemaFor(int classes)
    {
        var definition = SchemaDefinition.Create(typeof(KeyRow));
        definition[nameof(KeyRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        return definition;
    }

    private sealed class Row
    {
        public string Text { get; set; } = "";
        public float Number { get; set; }
    }

    private sealed class KeyRow
    {
        // LoadFromEnumerable reads a key property as a 0-based index (0 is key 1), and an index of at least the class count as the missing key.
        public uint Label { get; set; }
    }
}
