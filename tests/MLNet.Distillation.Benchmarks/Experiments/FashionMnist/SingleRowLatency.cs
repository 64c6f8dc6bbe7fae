using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Single-row latency through ML.NET's PredictionEngine for the teacher and the students, and for the MLP the two things
/// that bound it: ONNX Runtime's own single-row call, and ML.NET's ApplyOnnxModel stage alone.
/// </summary>
internal sealed class SingleRowLatency(FashionMnistContext context) : IExperiment
{
    public string Name => "singleRowLatency";

    public ExperimentResult Run()
    {
        var inputs = context.ML.Data.CreateEnumerable<ImageInput>(context.Test, reuseRowObject: false).Take(500).ToArray();
        var latencies = context.LatencyModels.Select(m => Engine(m.Name, m.Model, inputs)).ToList();
        var mlp = (StudentTransformer)context.LatencyModels.First(m => m.Name.StartsWith("MLP", StringComparison.Ordinal)).Model;
        latencies.Add(OnnxRuntimeSingleRow("MLP 784-64-10: ONNX Runtime session alone, one row", mlp, inputs));
        latencies.Add(Engine("MLP 784-64-10: ML.NET ApplyOnnxModel stage alone", mlp.Pipeline.First(), inputs, scoreOnly: true));
        foreach (var l in latencies)
            context.Log($"latency {l.Model}: p50 {l.P50Microseconds:0.0} µs, p95 {l.P95Microseconds:0.0} µs");
        return new Result(latencies);
    }

    private Latency Engine(string name, ITransformer model, ImageInput[] rows, bool scoreOnly = false)
    {
        Action<int> call;
        if (scoreOnly)
        {
            var engine = context.ML.Model.CreatePredictionEngine<ImageInput, ScoreOnly>(model);
            call = i => engine.Predict(rows[i % rows.Length]);
        }
        else
        {
            var engine = context.ML.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(model);
            call = i => engine.Predict(rows[i % rows.Length]);
        }
        return MedianTrial(name, call);
    }

    private Latency OnnxRuntimeSingleRow(string name, StudentTransformer student, ImageInput[] rows)
    {
        using var session = new InferenceSession(student.ToOnnx(OnnxLayout.SingleRow));
        using var options = new RunOptions();
        var buffer = new float[784];
        return MedianTrial(name, i =>
        {
            rows[i % rows.Length].Features.CopyTo(buffer, 0);
            using var value = OrtValue.CreateTensorValueFromMemory(buffer, [1, 784]);
            using var result = session.Run(options, ["Features"], [value], ["Score"]);
        });
    }

    private Latency MedianTrial(string name, Action<int> call)
    {
        int calls = context.Settings.LatencyCalls;
        var trials = Enumerable.Range(0, 3).Select(_ => LatencyStatistics.Measure(call, calls, warmup: 500)).OrderBy(t => t.P50Microseconds).ToArray();
        var median = trials[trials.Length / 2];
        return new Latency(name, median.P50Microseconds, median.P95Microseconds, calls, trials.Length);
    }

    internal sealed record Latency(string Model, double P50Microseconds, double P95Microseconds, int Calls, int Trials);

    internal sealed record Result(List<Latency> Models) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            s.AppendLine("| single-row latency through PredictionEngine | p50 µs | p95 µs |");
            s.AppendLine("|---|---:|---:|");
            foreach (var l in Models)
                s.AppendLine(CultureInfo.InvariantCulture, $"| {l.Model} | {l.P50Microseconds:0.0} | {l.P95Microseconds:0.0} |");
            s.AppendLine();
            s.AppendLine("Latencies are the median of three trials of single calls, after a warm-up.");
            return s.ToString();
        }
    }

    private sealed class ScoreOnly
    {
        public float[] Score { get; set; } = [];
    }
}
