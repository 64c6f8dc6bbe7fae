using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// One text classification task of the text suite: raw text in <c>Text</c>, the label in <c>Label</c> (Boolean for the
/// binary task, a key for the multiclass one), training and test rows.
/// </summary>
internal sealed record TextTask(string Name, string Description, bool Binary, IDataView Train, IDataView Test, int TrainRows, int TestRows)
{
    /// <summary>
    /// modeldata's <c>small_fine_foods</c> with its own split (4,000 / 1,000 reviews; fewer in quick mode): is the review
    /// <c>great</c> (five stars) or <c>other</c>.
    /// </summary>
    public static TextTask FineFoods(MLContext ml, string? folder, int trainRows, int testRows)
    {
        var (trainPath, testPath) = TextCorpora.FineFoods(folder);
        IDataView Load(string path, int rows)
        {
            var raw = ml.Data.LoadFromTextFile(path, [
                new TextLoader.Column("product", DataKind.String, 0),
                new TextLoader.Column("Text", DataKind.String, 1),
                new TextLoader.Column("score", DataKind.String, 2),
            ], separatorChar: '\t', hasHeader: true, allowQuoting: false);
            var labelled = ml.Transforms.Expression("Label", "s : s == \"great\"", "score").Fit(raw).Transform(raw);
            return ml.Data.Cache(ml.Data.TakeRows(ml.Transforms.SelectColumns("Text", "Label").Fit(labelled).Transform(labelled), rows));
        }
        var train = Load(trainPath, trainRows);
        var test = Load(testPath, testRows);
        return new TextTask("fine-foods", "Amazon fine-food reviews (modeldata small_fine_foods): five stars or not", true, train, test,
            Count(train), Count(test));
    }

    /// <summary>
    /// Jane Austen's six novels (janeaustenr) in passages of ten lines: which book a passage comes from. A seeded split,
    /// then the first <paramref name="trainRows"/> and <paramref name="testRows"/> passages of each side.
    /// </summary>
    public static TextTask Austen(MLContext ml, string? folder, int trainRows, int testRows)
    {
        var raw = ml.Data.LoadFromTextFile(TextCorpora.AustenPassages(10, folder), [
            new TextLoader.Column("Text", DataKind.String, 0),
            new TextLoader.Column("book", DataKind.String, 1),
        ], separatorChar: '\t', hasHeader: true, allowQuoting: false);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "book").Fit(raw).Transform(raw);
        var selected = ml.Transforms.SelectColumns("Text", "Label").Fit(keyed).Transform(keyed);
        // A whole shuffle (a pool as large as the data): the passages come book after book, and ShuffleRows' default pool of
        // 1,000 rows left the first 1,000 test passages to three of the six books.
        var split = ml.Data.TrainTestSplit(ml.Data.ShuffleRows(ml.Data.Cache(selected), seed: 7, shufflePoolSize: 100_000), testFraction: 0.25, seed: 7);
        var train = ml.Data.Cache(ml.Data.TakeRows(split.TrainSet, trainRows));
        var test = ml.Data.Cache(ml.Data.TakeRows(split.TestSet, testRows));
        return new TextTask("austen", "Jane Austen's novels (janeaustenr), passages of ten lines: which of six books", false, train, test,
            Count(train), Count(test));
    }

    private static int Count(IDataView data) => data.GetColumn<string>("Text").Count();
}
