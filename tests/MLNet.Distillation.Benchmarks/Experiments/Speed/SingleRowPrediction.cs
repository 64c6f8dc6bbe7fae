using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Runtime;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Single-row prediction with the 784-64-10 MLP student on Fashion-MNIST rows, four ways, interleaved, median of five
/// trials: ML.NET's PredictionEngine over the fitted student (output object reused); a raw ONNX Runtime session on the
/// same ONNX file PredictionEngine runs (the single-row layout), once with input and output buffers made once and once
/// allocating its outputs per call as typical code does; and <see cref="MlpStudentPredictor"/> on the exported file
/// (scores and class from one pass).
/// </summary>
internal sealed class SingleRowPrediction(SpeedContext context) : IExperiment
{
    private const int FeatureCount = 784, Classes = 10;

    public string Name => "singleRowPrediction";

    public ExperimentResult Run()
    {
        var student = context.ML.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 2, Seed = 1, Student = new MlpStudent { HiddenLayers = [64] },
        }).Fit(context.Train);
        var rows = context.ML.Data.CreateEnumerable<ImageInput>(context.Train, reuseRowObject: false).Take(500).ToArray();

        var engine = context.ML.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(student);
        var prediction = new ImagePrediction();
        using var session = new InferenceSession(student.ToOnnx(OnnxLayout.SingleRow));
        using var runOptions = new RunOptions();
        var inputBuffer = new float[FeatureCount];
        var scoreBuffer = new float[Classes];
        var labelBuffer = new long[1];
        using var input = OrtValue.CreateTensorValueFromMemory(inputBuffer, [1, FeatureCount]);
        using var scoreValue = OrtValue.CreateTensorValueFromMemory(scoreBuffer, [Classes]);
        using var labelValue = OrtValue.CreateTensorValueFromMemory(labelBuffer, [1]);
        string[] inputNames = ["Features"], outputNames = ["Score", "PredictedLabel"];
        OrtValue[] inputs = [input], outputs = [scoreValue, labelValue];
        var predictor = MlpStudentPredictor.FromOnnx(student.ToOnnx());
        var managedScore = new float[Classes];

        var ways = new (string Name, Action<int> Call)[]
        {
            ("PredictionEngine (output object reused)", i => engine.Predict(rows[i % rows.Length], ref prediction)),
            ("raw ONNX Runtime session, buffers made once", i =>
            {
                rows[i % rows.Length].Features.CopyTo(inputBuffer, 0);
                session.Run(runOptions, inputNames, inputs, outputNames, outputs);
            }),
            ("raw ONNX Runtime session, outputs allocated per call", i =>
            {
                rows[i % rows.Length].Features.CopyTo(inputBuffer, 0);
                using var result = session.Run(runOptions, inputNames, inputs, outputNames);
            }),
            ("MlpStudentPredictor (managed, scores and class)", i => predictor.PredictClass(rows[i % rows.Length].Features, managedScore)),
        };
        // The four agree on the class of every row before anything is timed.
        for (int r = 0; r < rows.Length; r++)
        {
            engine.Predict(rows[r], ref prediction);
            ways[1].Call(r);
            int managed = predictor.PredictClass(rows[r].Features, managedScore);
            if (prediction.PredictedLabel != labelBuffer[0] + 1 || managed != labelBuffer[0])
                throw new InvalidOperationException($"Row {r}: PredictionEngine says key {prediction.PredictedLabel}, ONNX Runtime class {labelBuffer[0]}, managed {managed}.");
        }

        int calls = context.Settings.LatencyCalls;
        var trials = ways.Select(_ => new List<LatencyStatistics>()).ToArray();
        for (int trial = 0; trial < 5; trial++)
            for (int w = 0; w < ways.Length; w++)
                trials[w].Add(LatencyStatistics.Measure(ways[w].Call, calls, warmup: 1000));
        var latencies = ways.Select((way, w) =>
        {
            var median = trials[w].OrderBy(t => t.P50Microseconds).ElementAt(trials[w].Count / 2);
            return new Latency(way.Name, median.P50Microseconds, median.P95Microseconds);
        }).ToList();
        foreach (var l in latencies)
            context.Log($"single row, {l.Way}: p50 {l.P50Microseconds:0.00} µs, p95 {l.P95Microseconds:0.00} µs");
        return new Result(calls, latencies);
    }

    internal sealed record Latency(string Way, double P50Microseconds, double P95Microseconds);

    internal sealed record Result(int Calls, List<Latency> Ways) : ExperimentResult
    {
        public double EngineOverRawOrt => Ways[0].P50Microseconds / Ways[1].P50Microseconds;

        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            s.AppendLine("| single row, MLP 784-64-10 | p50 µs | p95 µs | p50 ÷ raw ONNX Runtime |");
            s.AppendLine("|---|---:|---:|---:|");
            foreach (var l in Ways)
                s.AppendLine(CultureInfo.InvariantCulture, $"| {l.Way} | {l.P50Microseconds:0.00} | {l.P95Microseconds:0.00} | {l.P50Microseconds / Ways[1].P50Microseconds:0.00}× |");
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture, $"Each figure is the median of five interleaved trials of {Calls:N0} calls after a warm-up; all four ways gave the same class for every one of 500 rows first.");
            return s.ToString();
        }
    }
}
