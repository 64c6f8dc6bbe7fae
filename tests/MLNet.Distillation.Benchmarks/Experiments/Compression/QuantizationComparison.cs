using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// A float student against its int8 versions (dynamic per channel, dynamic per tensor, static per channel calibrated on
/// training rows): ONNX bytes, single-row latency through ML.NET's PredictionEngine and through a bare ONNX Runtime
/// session, the task's test figures, and agreement with the float student. Latency is measured in interleaved rounds
/// (float, then each int8 variant, round after round) and reported as the median p50 and the median of each round's
/// ratio to the float student, so load from other processes on the machine hits all variants alike.
/// </summary>
internal static class QuantizationComparison
{
    private const int Rounds = 5;

    /// <param name="ml">The suite's context.</param>
    /// <param name="student">The float student.</param>
    /// <param name="calibration">Training rows for static quantization.</param>
    /// <param name="test">Test rows (featurised).</param>
    /// <param name="rows">Test feature vectors for the single-row calls.</param>
    /// <param name="engineCall">Builds a PredictionEngine call for a model (row index → one prediction).</param>
    /// <param name="quality">The task's figures for scored test rows.</param>
    /// <param name="agreement">Agreement of scored rows with the float student's (share of equal labels, or RMSE between predictions).</param>
    /// <param name="calls">Calls per variant, split over the rounds.</param>
    /// <param name="log">Progress.</param>
    public static List<Row> Run(MLContext ml, StudentTransformer student, IDataView calibration, IDataView test, float[][] rows,
        Func<ITransformer, Action<int>> engineCall, Func<IDataView, Dictionary<string, double>> quality,
        Func<IDataView, IDataView, double> agreement, int calls, Action<string> log)
    {
        var variants = new List<(string Name, StudentTransformer Model)>
        {
            ("float", student),
            ("int8 dynamic, per channel", ml.Distillation.Quantize(student)),
            ("int8 dynamic, per tensor", ml.Distillation.Quantize(student, new QuantizationOptions { PerChannel = false })),
            ("int8 static (1,000 training rows, min/max), per channel", ml.Distillation.Quantize(student, calibration)),
        };
        var floatScored = student.Transform(test);
        var engines = variants.Select(v => engineCall(v.Model)).ToArray();
        var sessions = variants.Select(v => OrtCall(v.Model, rows)).ToArray();
        var engineP50 = variants.Select(_ => new List<double>()).ToArray();
        var ortP50 = variants.Select(_ => new List<double>()).ToArray();
        int perRound = Math.Max(100, calls / Rounds);
        for (int round = 0; round < Rounds; round++)
            for (int v = 0; v < variants.Count; v++)
            {
                engineP50[v].Add(LatencyStatistics.Measure(engines[v], perRound, warmup: 200).P50Microseconds);
                ortP50[v].Add(LatencyStatistics.Measure(sessions[v].Call, perRound, warmup: 200).P50Microseconds);
            }
        foreach (var (session, _) in sessions)
            session.Dispose();

        var result = new List<Row>();
        for (int v = 0; v < variants.Count; v++)
        {
            var scored = variants[v].Model.Transform(test);
            var row = new Row(variants[v].Name, variants[v].Model.ToOnnx(OnnxLayout.SingleRow).Length,
                Median(engineP50[v]), Median(engineP50[v].Zip(engineP50[0], (a, b) => a / b)),
                Median(ortP50[v]), Median(ortP50[v].Zip(ortP50[0], (a, b) => a / b)),
                quality(scored), agreement(scored, floatScored));
            log($"quantization {row.Variant}: {row.OnnxBytes:N0} ONNX bytes, PredictionEngine p50 {row.EngineP50:0.0} µs (×{row.EngineRatio:0.00}), " +
                $"ORT p50 {row.OrtP50:0.0} µs (×{row.OrtRatio:0.00}), {string.Join(", ", row.Quality.Select(q => $"{q.Key} {q.Value:0.0000}"))}, agreement {row.Agreement:0.0000}");
            result.Add(row);
        }
        return result;
    }

    private static (InferenceSession Session, Action<int> Call) OrtCall(StudentTransformer model, float[][] rows)
    {
        var session = new InferenceSession(model.ToOnnx(OnnxLayout.SingleRow));
        var options = new RunOptions();
        string input = session.InputMetadata.Keys.Single();
        var buffer = new float[rows[0].Length];
        return (session, i =>
        {
            rows[i % rows.Length].CopyTo(buffer, 0);
            using var value = OrtValue.CreateTensorValueFromMemory(buffer, [1, buffer.Length]);
            using var outputs = session.Run(options, [input], [value], ["Score"]);
        }
        );
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    internal sealed record Row(string Variant, long OnnxBytes, double EngineP50, double EngineRatio, double OrtP50, double OrtRatio,
        Dictionary<string, double> Quality, double Agreement);

    internal sealed record Result(string Dataset, string Student, string AgreementName, List<Row> Rows) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var metrics = Rows[0].Quality.Keys.ToArray();
            var s = new StringBuilder();
            s.AppendLine(CultureInfo.InvariantCulture, $"{Dataset}, student {Student}:");
            s.AppendLine();
            s.AppendLine($"| variant | ONNX bytes | PredictionEngine p50 µs | × float | ONNX Runtime p50 µs | × float | {string.Join(" | ", metrics)} | {AgreementName} |");
            s.AppendLine($"|---|---:|---:|---:|---:|---:|{string.Concat(metrics.Select(_ => "---:|"))}---:|");
            foreach (var r in Rows)
                s.AppendLine(CultureInfo.InvariantCulture, $"| {r.Variant} | {r.OnnxBytes:N0} | {r.EngineP50:0.0} | {r.EngineRatio:0.00} | {r.OrtP50:0.0} | {r.OrtRatio:0.00} | " +
                    $"{string.Join(" | ", metrics.Select(m => r.Quality[m].ToString("0.0000", CultureInfo.InvariantCulture)))} | {r.Agreement:0.0000} |");
            s.AppendLine();
            s.AppendLine($"Single-row p50 latency: median of {Rounds} interleaved rounds (float and int8 variants alternate), and the median of each round's ratio to the float student; " +
                "other processes shared the 2 cores, so compare the ratios rather than the microseconds. ONNX bytes: the single-row graph ML.NET runs.");
            return s.ToString();
        }
    }
}
