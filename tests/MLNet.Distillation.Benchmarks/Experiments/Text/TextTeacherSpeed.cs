using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// The text teacher's scoring rate through TeacherScore against a plain ONNX Runtime session fed the same token batches
/// (<see cref="TextTeacherThroughput"/>), on real reviews, both cores; and how long one review takes on its own.
/// </summary>
internal sealed class TextTeacherSpeed(string model, string vocabulary, TextTask reviews, int rows) : IExperiment
{
    public string Name => "teacherScoring";

    public ExperimentResult Run()
    {
        var texts = reviews.Train.GetColumn<string>("Text").Take(rows).ToArray();
        return new TextTeacherSpeedResult(TextTeacherThroughput.Measure(model, vocabulary, texts, rounds: 3));
    }
}

internal sealed record TextTeacherSpeedResult(TextTeacherThroughput.Figures Figures) : ExperimentResult
{
    public override string ToMarkdown() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"### Transformer teacher scoring (all-MiniLM-L6-v2 + head, both cores)\n\n" +
        $"| rows | tokens per row | TeacherScore rows/s | plain ONNX Runtime, same batches, rows/s | teacher ÷ plain | plain ORT, input order, rows/s | tokenizer rows/s |\n" +
        $"|---|---|---|---|---|---|---|\n" +
        $"| {Figures.Rows} | {Figures.MeanTokens:F1} | {Figures.TeacherScoreRowsPerSecond:F1} | {Figures.PlainOrtRowsPerSecond:F1} | {Figures.TeacherOverPlain:F2} | " +
        $"{Figures.PlainOrtInputOrderRowsPerSecond:F1} | {Figures.TokenizeRowsPerSecond:F0} |\n");
}
