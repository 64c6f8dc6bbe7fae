using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// How fast a text teacher scores (a <see cref="TextEncoder"/> and a fitted binary head, through TeacherScore) against a
/// plain ONNX Runtime session fed the same token batches, tokenised beforehand: the library's cost on top of the model
/// (tokenising, cursors, pooling, the head). A second plain run feeds batches in the input order, without the teacher's
/// grouping by length, to show what the grouping saves. Each measurement runs <c>rounds</c> times, interleaved with the
/// others, and the best time is kept (neighbours on a shared machine make single timings swing). Not registered in a
/// suite: call <see cref="Measure"/> with the encoder's files.
/// </summary>
public static class TextTeacherThroughput
{
    /// <summary>The figures of one measurement, in rows per second.</summary>
    /// <param name="Rows">Reviews scored per run.</param>
    /// <param name="MeanTokens">Tokens per review, counting [CLS] and [SEP].</param>
    /// <param name="TeacherScoreRowsPerSecond">TeacherScore with the text teacher, reading every row (tokenising included).</param>
    /// <param name="PlainOrtRowsPerSecond">ONNX Runtime alone on the teacher's own batches (grouped by length), tokens prepared beforehand.</param>
    /// <param name="PlainOrtInputOrderRowsPerSecond">ONNX Runtime alone on batches in the input order (each padded to its longest review).</param>
    /// <param name="TokenizeRowsPerSecond">The tokenizer alone.</param>
    public sealed record Figures(int Rows, double MeanTokens, double TeacherScoreRowsPerSecond, double PlainOrtRowsPerSecond,
        double PlainOrtInputOrderRowsPerSecond, double TokenizeRowsPerSecond)
    {
        /// <summary>The teacher's rate divided by plain ONNX Runtime's on the same batches (1: no overhead).</summary>
        public double TeacherOverPlain => TeacherScoreRowsPerSecond / PlainOrtRowsPerSecond;

        /// <inheritdoc />
        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Rows} reviews, {MeanTokens:F1} tokens each: TeacherScore {TeacherScoreRowsPerSecond:F1} rows/s, plain ORT (same batches) {PlainOrtRowsPerSecond:F1} rows/s " +
            $"(teacher ÷ plain {TeacherOverPlain:F2}), plain ORT in input order {PlainOrtInputOrderRowsPerSecond:F1} rows/s, tokenizer alone {TokenizeRowsPerSecond:F0} rows/s");
    }

    /// <summary>Measures the text teacher and plain ONNX Runtime on <paramref name="reviews"/> (default: <see cref="SyntheticReviews"/>(200)).</summary>
    /// <param name="modelPath">The encoder's ONNX file (e.g. all-MiniLM-L6-v2's model.onnx).</param>
    /// <param name="vocabPath">Its vocab.txt.</param>
    /// <param name="reviews">The texts to score; a binary head is fitted on them first (label: whether the review is positive, by its index's parity when they are not synthetic).</param>
    /// <param name="rounds">Interleaved repetitions; the best of each is kept.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads for both sides; null: all cores.</param>
    public static Figures Measure(string modelPath, string vocabPath, IReadOnlyList<string>? reviews = null, int rounds = 3, int? threads = null)
    {
        var texts = reviews ?? SyntheticReviews(200);
        var ml = new MLContext(0);
        var rows = texts.Select((t, i) => new Review { Text = t, Label = i % 2 == 0 }).ToList();
        var data = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows));
        var options = new TextEncoderOptions { IntraOpNumThreads = threads };
        using var encoder = TextEncoder.FromOnnx(modelPath, vocabPath, options);
        using var teacher = Teacher.FromTextEncoder(ml, data, encoder);
        var tokens = texts.Select(encoder.Tokenize).ToArray();

        // The teacher's batches: TeacherScore blocks of its default 64 rows, each sorted by length (stable) and cut into
        // the encoder's batches of 32.
        const int block = 64;
        int batch = options.BatchSize;
        var grouped = new List<int[][]>();
        for (int start = 0; start < tokens.Length; start += block)
        {
            var sorted = tokens.Skip(start).Take(block).OrderBy(t => t.Length).ToArray();
            for (int b = 0; b < sorted.Length; b += batch)
                grouped.Add(sorted.Skip(b).Take(batch).ToArray());
        }
        var inputOrder = tokens.Chunk(batch).ToList();

        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads is int n)
            sessionOptions.IntraOpNumThreads = n;
        using var session = new InferenceSession(File.ReadAllBytes(modelPath), sessionOptions);
        string[] inputs = session.InputMetadata.Keys.ToArray();
        string output = session.OutputMetadata.ContainsKey("last_hidden_state") ? "last_hidden_state" : session.OutputMetadata.Keys.First();

        double Plain(List<int[][]> batches)
        {
            // Token tensors are built before the clock starts: only the runs are timed.
            var prepared = batches.Select(b => Tensors(b, inputs)).ToList();
            using var runOptions = new RunOptions();
            var watch = Stopwatch.StartNew();
            foreach (var values in prepared)
            {
                using var result = session.Run(runOptions, inputs, values, [output]);
                _ = result[0].GetTensorDataAsSpan<float>()[0];
            }
            double seconds = watch.Elapsed.TotalSeconds;
            foreach (var values in prepared)
                foreach (var value in values)
                    value.Dispose();
            return seconds;
        }
        double Scored()
        {
            var watch = Stopwatch.StartNew();
            var scored = ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data);
            using var cursor = scored.GetRowCursor([scored.Schema[DefaultColumnNames.TeacherLogits]]);
            var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(scored.Schema[DefaultColumnNames.TeacherLogits]);
            Microsoft.ML.Data.VBuffer<float> value = default;
            while (cursor.MoveNext())
                getter(ref value);
            return watch.Elapsed.TotalSeconds;
        }
        double Tokenize()
        {
            var watch = Stopwatch.StartNew();
            foreach (var text in texts)
                encoder.Tokenize(text);
            return watch.Elapsed.TotalSeconds;
        }

        Plain(grouped); // warm-up: the first runs allocate ONNX Runtime's buffers
        Scored();
        double teacherSeconds = double.MaxValue, plainSeconds = double.MaxValue, orderSeconds = double.MaxValue, tokenizeSeconds = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            teacherSeconds = Math.Min(teacherSeconds, Scored());
            plainSeconds = Math.Min(plainSeconds, Plain(grouped));
            orderSeconds = Math.Min(orderSeconds, Plain(inputOrder));
            tokenizeSeconds = Math.Min(tokenizeSeconds, Tokenize());
        }
        int count = texts.Count;
        return new Figures(count, tokens.Average(t => t.Length), count / teacherSeconds, count / plainSeconds, count / orderSeconds, count / tokenizeSeconds);
    }

    /// <summary>The ONNX inputs for one batch padded to its longest sequence: ids, and a mask and zero segment ids where the model takes them.</summary>
    private static OrtValue[] Tensors(int[][] batch, string[] inputs)
    {
        int length = batch.Max(t => t.Length);
        var ids = new long[batch.Length * length];
        var mask = new long[batch.Length * length];
        for (int r = 0; r < batch.Length; r++)
            for (int t = 0; t < batch[r].Length; t++)
            {
                ids[r * length + t] = batch[r][t];
                mask[r * length + t] = 1;
            }
        long[] shape = [batch.Length, length];
        return inputs.Select(name => OrtValue.CreateTensorValueFromMemory(name switch
        {
            "input_ids" => ids,
            "attention_mask" => mask,
            _ => new long[ids.Length],
        }, shape)).ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> product reviews of one to four sentences (about 10 to 70 tokens), drawn with a fixed seed
    /// from a pool of positive and negative sentences; even-numbered reviews are positive.
    /// </summary>
    public static string[] SyntheticReviews(int count)
    {
        string[] positive =
        [
            "Absolutely love this kettle, it boils fast and looks great.", "Best purchase I have made all year.",
            "The sound is wonderful and the battery lasts for days.", "Arrived early and works perfectly.",
            "Excellent value for money, I would happily buy it again.", "Very comfortable, I wore them all day without any pain.",
            "Easy to clean and surprisingly powerful for its size.", "Customer service replaced the broken part the next day.",
            "The colours are vivid and the build quality feels premium.", "My whole family enjoys it every evening.",
        ];
        string[] negative =
        [
            "It started leaking after a week.", "A complete waste of money, I want a refund.",
            "The sound is tinny and the battery died within an hour.", "Arrived damaged and the replacement never came.",
            "Overpriced and flimsy, the handle snapped on the second day.", "Very uncomfortable, my feet hurt after twenty minutes.",
            "Impossible to clean and far too loud.", "Nobody from customer service ever answered my emails.",
            "The colours faded after one wash and the seams came apart.", "Nothing works as described in the manual.",
        ];
        var random = new Random(17);
        return Enumerable.Range(0, count).Select(i =>
        {
            var pool = i % 2 == 0 ? positive : negative;
            return string.Join(" ", Enumerable.Range(0, random.Next(1, 5)).Select(_ => pool[random.Next(pool.Length)]));
        }).ToArray();
    }

    private sealed class Review
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }
}
