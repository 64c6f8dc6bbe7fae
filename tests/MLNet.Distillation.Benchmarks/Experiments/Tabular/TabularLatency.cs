using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Single-row latency through ML.NET's PredictionEngine of the teacher and of a distilled student, both on the featurised
/// row (the featuriser is the same for both and is not timed).
/// </summary>
internal sealed class TabularLatency(TabularContext context) : IExperiment
{
    public string Name => $"{context.Dataset.ModelDataName}.latency";

    public ExperimentResult Run()
    {
        var ml = context.ML;
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, context.FeatureCount);
        var rows = ml.Data.CreateEnumerable<FeatureRow>(context.Test, reuseRowObject: false, schemaDefinition: definition).Take(300).ToArray();
        var student = context.Students.First(s => s.Name.StartsWith("KD α=0.1", StringComparison.Ordinal));
        var results = new List<Latency>
        {
            Measure("teacher LightGbm", context.Teacher, rows, definition, context.SavedBytes(context.Teacher), null),
            Measure($"student {student.Student.Architecture} ({student.Name})", student.Student, rows, definition, context.SavedBytes(student.Student), student.Student.ParameterCount),
        };
        foreach (var l in results)
            context.Log($"{context.Dataset.Title} latency {l.Model}: p50 {l.P50Microseconds:0.0} µs, p95 {l.P95Microseconds:0.0} µs");
        return new Result(context.Dataset.Title, results);
    }

    private Latency Measure(string name, ITransformer model, FeatureRow[] rows, SchemaDefinition definition, long bytes, long? parameters)
    {
        var engine = context.ML.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(model, inputSchemaDefinition: definition);
        int calls = context.Settings.LatencyCalls;
        var trials = Enumerable.Range(0, 3).Select(_ => LatencyStatistics.Measure(i => engine.Predict(rows[i % rows.Length]), calls, warmup: 1000))
            .OrderBy(t => t.P50Microseconds).ToArray();
        return new Latency(name, trials[1].P50Microseconds, trials[1].P95Microseconds, bytes, parameters);
    }

    internal sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    internal sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    internal sealed record Latency(string Model, double P50Microseconds, double P95Microseconds, long SavedBytes, long? Parameters);

    internal sealed record Result(string Dataset, List<Latency> Models) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            s.AppendLine("| single row through PredictionEngine | p50 µs | p95 µs | saved KiB | parameters |");
            s.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var l in Models)
                s.AppendLine(CultureInfo.InvariantCulture, $"| {l.Model} | {l.P50Microseconds:0.0} | {l.P95Microseconds:0.0} | {l.SavedBytes / 1024.0:N0} | {(l.Parameters is long p ? p.ToString("N0", CultureInfo.InvariantCulture) : "–")} |");
            s.AppendLine();
            s.AppendLine("Latency of the model on the featurised row (median of three trials after a warm-up); the featuriser both share is not timed.");
            return s.ToString();
        }
    }
}
