using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.TransferSets;

/// <summary>MUNGE pseudo-rows: the algorithm's invariants on a hand-made table, and a transfer set that a teacher labels.</summary>
public sealed class MungeTests
{
    private sealed class Row
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    // Column 0 is nominal (0/1), columns 1 and 2 continuous. Nearest neighbours (standardised): A↔B, C↔D.
    private static IDataView Table(MLContext ml) => ml.Data.LoadFromEnumerable(new[]
    {
        new Row { Features = [0, 0.0f, 10f], Label = 1.5f },
        new Row { Features = [1, 0.1f, 10.2f], Label = 2.5f },
        new Row { Features = [1, 5.0f, -3f], Label = 3.5f },
        new Row { Features = [0, 5.2f, -3.1f], Label = 4.5f },
    });

    private static (float[][] Features, float[] Labels, bool[] Pseudo) Read(IDataView view)
        => (TestData.Column(view, "Features"), TestData.Scalars(view, "Label"), ReadBool(view, "IsPseudoRow"));

    private static bool[] ReadBool(IDataView view, string name)
    {
        var column = view.Schema[name];
        var values = new List<bool>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<bool>(column);
        bool value = false;
        while (cursor.MoveNext()) { getter(ref value); values.Add(value); }
        return values.ToArray();
    }

    [Fact]
    public void Pseudo_rows_follow_the_munge_rules_and_repeat_with_the_seed()
    {
        var ml = new MLContext(0);
        var options = new MungeOptions { Multiplier = 3, SwapProbability = 1, Spread = 4, Seed = 7 };
        var (features, labels, pseudo) = Read(ml.Distillation.Munge(Table(ml), options));

        Assert.Equal(4 + 12, features.Length);
        Assert.Equal([1.5f, 2.5f, 3.5f, 4.5f], labels.Take(4));
        Assert.All(labels.Skip(4), l => Assert.True(float.IsNaN(l)));
        Assert.Equal(Enumerable.Repeat(false, 4).Concat(Enumerable.Repeat(true, 12)), pseudo);
        for (int pass = 0; pass < 3; pass++)
        {
            var rows = features.Skip(4 + pass * 4).Take(4).ToArray();
            // Nominal values are only swapped between rows: each pass keeps the column's values, 0s and 1s alike.
            Assert.Equal([0f, 0f, 1f, 1f], rows.Select(r => r[0]).Order());
            // With p = 1 every continuous value is redrawn near its pair's (sd = |a − b| / 4): A and B stay near 0 and 10,
            // C and D near 5 and −3; never a value from the other pair.
            Assert.All(rows.Take(2), r => { Assert.InRange(r[1], -0.5f, 0.6f); Assert.InRange(r[2], 9f, 11f); });
            Assert.All(rows.Skip(2), r => { Assert.InRange(r[1], 4f, 6f); Assert.InRange(r[2], -4f, -2f); });
        }
        Assert.Equal(features, Read(ml.Distillation.Munge(Table(ml), options)).Features);
        options.Seed = 8;
        Assert.NotEqual(features, Read(ml.Distillation.Munge(Table(ml), options)).Features);
    }

    [Fact]
    public void A_key_label_keeps_its_classes_on_the_real_rows_and_is_missing_on_the_pseudo_rows()
    {
        // Regression test: ML.NET's LoadFromEnumerable reads a UInt32 key property as a 0-based index; writing the raw
        // keys back shifted every real row one class up and gave each pseudo-row class 1 instead of no label.
        var ml = new MLContext(0);
        var digits = TestData.KeyedDigits(ml, 60);
        var munged = ml.Distillation.Munge(digits, new MungeOptions { Multiplier = 2, Seed = 1 });
        var keys = TestData.Keys(munged, "Label");
        var pseudo = ReadBool(munged, "IsPseudoRow");
        var original = TestData.Keys(digits, "Label");
        Assert.Equal(original, keys.Where((_, i) => !pseudo[i]));
        Assert.All(keys.Where((_, i) => pseudo[i]), k => Assert.Equal(0u, k));
        Assert.Equal(digits.Schema["Label"].Type, munged.Schema["Label"].Type);
    }

    [Fact]
    public void A_teacher_labels_the_pseudo_rows_and_the_student_trains_on_both()
    {
        // Breast cancer with 10 % of the training rows: MUNGE grows them tenfold, a FastTree teacher (trained on every
        // training row) labels the pseudo-rows, and the student learns from both.
        var ml = new MLContext(0);
        var split = ml.Data.TrainTestSplit(TestData.BreastCancer(ml), testFraction: 0.3, seed: 1);
        var teacher = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 50).Fit(split.TrainSet);
        var few = ml.Data.TakeRows(ml.Data.ShuffleRows(split.TrainSet, seed: 2), 40);
        var munged = ml.Distillation.Munge(few, new MungeOptions { Multiplier = 10, Seed = 1 });
        Assert.Equal(NumberDataViewType.Single, munged.Schema["Label"].Type); // a Boolean label becomes 0/1/NaN

        var student = ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options { Seed = 1 }))
            .Fit(munged);
        var metrics = ml.BinaryClassification.Evaluate(student.Transform(split.TestSet));
        Assert.True(metrics.AreaUnderRocCurve > 0.95, $"student AUC {metrics.AreaUnderRocCurve:F4}");
    }

    [Fact]
    public void Data_it_cannot_munge_is_refused_naming_the_column()
    {
        var ml = new MLContext(0);
        var nan = ml.Data.LoadFromEnumerable(new[] { new Row { Features = [0, float.NaN, 1] }, new Row { Features = [1, 2, 3] } });
        Assert.Contains("slot 1", Assert.Throws<ArgumentException>(() => ml.Distillation.Munge(nan)).Message);
        Assert.Contains("'Pixels'", Assert.Throws<ArgumentException>(() => ml.Distillation.Munge(Table(ml), new MungeOptions { FeatureColumnName = "Pixels" })).Message);
        Assert.Contains("MaximumRows", Assert.Throws<ArgumentException>(() => ml.Distillation.Munge(Table(ml), new MungeOptions { MaximumRows = 3 })).Message);
        Assert.Contains("SwapProbability", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Distillation.Munge(Table(ml), new MungeOptions { SwapProbability = 0 })).Message);
        Assert.Contains("at least two rows", Assert.Throws<ArgumentException>(() => ml.Distillation.Munge(ml.Data.TakeRows(Table(ml), 1))).Message);
    }
}
