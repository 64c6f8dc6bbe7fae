using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Tests.Support;

/// <summary>Small real data for tests: the UCI tables shipped in examples/data (CC BY 4.0; see examples/data/README.md).</summary>
internal static class TestData
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The first <paramref name="rows"/> digits with Features scaled to [0, 1] and a text Label.</summary>
    public static IDataView Digits(MLContext ml, int rows)
    {
        var raw = ml.Data.LoadFromTextFile(Fixture("digits.csv"), [
            new TextLoader.Column("Pixels", DataKind.Single, 0, 63),
            new TextLoader.Column("Label", DataKind.String, 64),
        ], separatorChar: ',');
        var scaled = ml.Transforms.Expression("Features", "x : x / 16", "Pixels").Fit(raw).Transform(raw);
        return ml.Data.Cache(ml.Data.TakeRows(ml.Transforms.DropColumns("Pixels").Fit(scaled).Transform(scaled), rows));
    }

    /// <summary>Digits with the label mapped to a key, ready for the trainer.</summary>
    public static IDataView KeyedDigits(MLContext ml, int rows, int skip = 0)
    {
        var digits = Digits(ml, rows + skip);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits(ml, 1797)).Transform(digits);
        return ml.Data.Cache(skip > 0 ? ml.Data.SkipRows(keyed, skip) : keyed);
    }

    /// <summary>
    /// Keyed digits scored by the tiny reference CNN teacher (<see cref="TinyCnnReference"/>): its logits, and its first ReLU's
    /// output as the <c>TeacherFeatures</c> column for the terms that read a hidden layer.
    /// </summary>
    public static IDataView DigitsWithTeacherFeatures(MLContext ml, int rows)
    {
        var data = KeyedDigits(ml, rows);
        var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });
        return ml.Data.Cache(ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = teacher, IntermediateOutputs = new Dictionary<string, string> { ["TeacherFeatures"] = "/Relu_output_0" },
        }).Fit(data).Transform(data));
    }

    /// <summary>Digits <paramref name="skip"/>..<paramref name="skip"/>+<paramref name="rows"/> in memory, features scaled to [0, 1], class names "0".."9".</summary>
    public static InMemoryClassificationData DigitsInMemory(int skip, int rows)
    {
        var lines = File.ReadLines(Fixture("digits.csv")).Skip(skip).Take(rows)
            .Select(l => l.Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return new InMemoryClassificationData(lines.SelectMany(v => v.Take(64).Select(p => p / 16f)).ToArray(),
            lines.Select(v => (int)v[64]).ToArray(), 64, Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray());
    }

    /// <summary>
    /// UCI breast cancer (569 rows): 30 raw features (they span four orders of magnitude) as <c>Features</c>, and the Boolean
    /// label <c>Label</c> (true = malignant). Cached.
    /// </summary>
    public static IDataView BreastCancer(MLContext ml)
        => ml.Data.Cache(ml.Data.LoadFromTextFile(Fixture("breast_cancer.csv"), [
            new TextLoader.Column("Features", DataKind.Single, 0, 29),
            new TextLoader.Column("Label", DataKind.Boolean, 30),
        ], separatorChar: ',', hasHeader: true));

    /// <summary>UCI concrete compressive strength (1,030 rows): 8 raw features as <c>Features</c>, strength in MPa as the Single <c>Label</c>. Cached.</summary>
    public static IDataView Concrete(MLContext ml)
        => ml.Data.Cache(ml.Data.LoadFromTextFile(Fixture("concrete.csv"), [
            new TextLoader.Column("Features", DataKind.Single, 0, 7),
            new TextLoader.Column("Label", DataKind.Single, 8),
        ], separatorChar: ',', hasHeader: true));

    /// <summary>UCI wine (178 rows): 13 raw features as <c>Features</c>, the cultivar as a text <c>Label</c>. Cached.</summary>
    public static IDataView Wine(MLContext ml)
        => ml.Data.Cache(ml.Data.LoadFromTextFile(Fixture("wine.csv"), [
            new TextLoader.Column("Features", DataKind.Single, 0, 12),
            new TextLoader.Column("Label", DataKind.String, 13),
        ], separatorChar: ',', hasHeader: true));

    /// <summary>All Single values of a scalar column, row by row.</summary>
    public static float[] Scalars(IDataView data, string name)
    {
        var column = data.Schema[name];
        var result = new List<float>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        float value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }
        return result.ToArray();
    }

    /// <summary>All float vectors of one column, row by row.</summary>
    public static float[][] Column(IDataView data, string name)
    {
        var column = data.Schema[name];
        var result = new List<float[]>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value.DenseValues().ToArray());
        }
        return result.ToArray();
    }

    /// <summary>All keys of a UInt32 key column, row by row.</summary>
    public static uint[] Keys(IDataView data, string name)
    {
        var column = data.Schema[name];
        var result = new List<uint>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<uint>(column);
        uint value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }
        return result.ToArray();
    }

    /// <summary>The rows of keyed digits (<see cref="KeyedDigits"/>) in the given order, as a new in-memory view (key values not kept).</summary>
    public static IDataView Rows(MLContext ml, IDataView keyedDigits, IReadOnlyList<int> order)
    {
        var features = Column(keyedDigits, "Features");
        var keys = Keys(keyedDigits, "Label");
        var definition = SchemaDefinition.Create(typeof(KeyedRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 64);
        definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), 10);
        // LoadFromEnumerable takes a key property's value as 0-based (it stores v as key v + 1, 0 being the missing key):
        // passing the key itself shifted every label by one class and turned the last class into missing labels.
        return ml.Data.LoadFromEnumerable(order.Select(i => new KeyedRow { Features = features[i], Label = keys[i] - 1 }).ToList(), definition);
    }

    private sealed class KeyedRow
    {
        public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }
}
