using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Teachers;

/// <summary><c>distill train --teacher minilm</c> on a CSV with a free-text column, and its refusals.</summary>
public sealed class TextEncoderTeacherTests
{
    private static readonly string[] Liked =
    [
        "Absolutely delicious, I will order this again", "Great flavour and it arrived fresh", "My kids love these snacks",
        "Best coffee I have had in years", "Wonderful tea, smooth and fragrant", "Perfect for lunch boxes, very tasty",
        "Excellent value for the price", "Crunchy, fresh and not too salty", "The cookies are soft and taste homemade",
        "Rich chocolate taste, highly recommended", "Fast delivery and the jam is lovely", "These noodles are quick and tasty",
        "A healthy snack that actually tastes good", "The sauce is full of flavour", "Our dog adores these treats",
        "Lovely aroma and a great morning cup", "Fresh nuts, well packed", "Delightful honey, thick and sweet",
        "Tasty crackers, we finished the box in a day", "The best granola I have bought", "Smooth peanut butter with a nice taste",
        "Great gluten free pasta", "Yummy gummies, the kids ask for more", "Fantastic spice blend for curries",
    ];

    private static readonly string[] Disliked =
    [
        "Stale and bland, a waste of money", "Arrived broken and leaking", "Tastes awful, threw it away",
        "Far too salty to eat", "The coffee is bitter and burnt", "Smells off, I would not buy again",
        "The box was half empty", "Cookies were hard as rocks", "Weak tea with no flavour at all",
        "The chocolate had melted into a mess", "Overpriced for such a small bag", "The noodles turned to mush",
        "Artificial aftertaste, very disappointing", "The sauce was watery and sour", "My dog refused to eat these",
        "Mouldy bread on arrival", "Rancid nuts, completely inedible", "The honey crystallised and tastes cheap",
        "Crackers were soggy", "Granola full of dust and broken bits", "Peanut butter separated and went oily",
        "The pasta fell apart when cooked", "Gummies stuck together in one lump", "The spice blend had no taste",
    ];

    private static string ReviewsCsv(TempFolder folder)
    {
        var lines = new List<string> { "Review,Liked" };
        for (int i = 0; i < Liked.Length; i++)
        {
            lines.Add($"\"{Liked[i]}\",yes");
            lines.Add($"\"{Disliked[i]}\",no");
        }
        return folder.Write("reviews.csv", string.Join("\n", lines) + "\n");
    }

    [Fact]
    public void Train_with_minilm_fits_its_head_on_the_text_column_and_writes_every_output()
    {
        using var folder = new TempFolder();
        string data = ReviewsCsv(folder);
        var (code, output, error) = Distill.Run("train", "--data", data, "--label", "Liked", "--teacher", "minilm", "--out", folder["out"],
            "--epochs", "30", "--no-baseline");
        Assert.True(code == 0, error + output);
        Assert.Contains("MiniLM text teacher over column 'Review'", output);
        foreach (var file in new[] { "student.zip", "student.onnx", "report.html", "metrics.json", "StudentModel.consumption.cs" })
            Assert.True(File.Exists(Path.Combine(folder["out"], file)), file);
        var metrics = DistillationEvaluation.FromJson(File.ReadAllText(Path.Combine(folder["out"], "metrics.json")));
        Assert.NotNull(metrics.Teacher.Latency); // the transformer is timed one review at a time
        Assert.True(metrics.Teacher.Metric("AreaUnderRocCurve") > 0.8, $"teacher AUC {metrics.Teacher.Metric("AreaUnderRocCurve")}");
    }

    [Fact]
    public void A_text_encoder_is_refused_on_a_table_without_text_and_with_a_missing_vocabulary()
    {
        using var folder = new TempFolder();
        var (code, _, error) = Distill.Run("train", "--data", Distill.Fixture("breast_cancer.csv"), "--label", "Malignant", "--teacher", "minilm", "--out", folder["a"]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("reads a free-text column, and breast_cancer.csv has none", error);
        (code, _, error) = Distill.Run("train", "--data", ReviewsCsv(folder), "--label", "Liked", "--teacher", folder.Write("encoder.onnx", "x"),
            "--vocab", folder["missing.txt"], "--out", folder["b"]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--vocab", error);
        Assert.Contains("file not found", error);
    }
}
