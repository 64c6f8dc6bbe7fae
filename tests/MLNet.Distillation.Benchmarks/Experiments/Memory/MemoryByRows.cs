using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Peak working set and throughput of a Fit by row count, held in memory and streamed, each Fit in a process of its own
/// (<see cref="FitChild"/>; the median of five, with the range of the five): a regression student (64-64-1 MLP, defaults) distilled from saved teacher outputs, on
/// synthetic rows of 64 features (<see cref="SyntheticRows"/>) read from an ML.NET binary file. The baseline is the same Fit
/// on 10,000 rows: runtime, ML.NET, ONNX Runtime and libtorch, whose size does not grow with the data. Peak memory above
/// the baseline is compared with the raw feature bytes (rows × 64 × 4).
/// </summary>
internal sealed class MemoryByRows(SpeedContext context, string workFolder) : IExperiment
{
    private const int Epochs = 2, BaselineRows = 10_000, Runs = 5;

    public string Name => "memoryByRows";

    public ExperimentResult Run()
    {
        bool full = context.Settings.Mode == "full";
        long[] inMemoryRows = full ? [1_000_000, 2_000_000, 4_000_000, 8_000_000] : [100_000, 200_000, 400_000];
        long[] streamedRows = full ? [1_000_000, 2_000_000, 4_000_000, 8_000_000] : [100_000, 200_000, 400_000];
        Directory.CreateDirectory(workFolder);
        var results = new List<Row>();
        string File(long rows) => Path.Combine(workFolder, $"synthetic-{rows}.idv");
        try
        {
            foreach (long rows in inMemoryRows.Union(streamedRows).Append(BaselineRows).Distinct().Order())
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                SyntheticRows.WriteBinary(context.ML, File(rows), rows);
                context.Log($"wrote {rows:N0} synthetic rows ({new FileInfo(File(rows)).Length / 1e6:N0} MB) in {watch.Elapsed.TotalSeconds:F0} s");
            }
            var baseline = new Dictionary<string, FitChild.Measurement>();
            foreach (var mode in new[] { "in-memory", "streaming" })
            {
                baseline[mode] = Median(Measure(File(BaselineRows), mode));
                context.Log($"baseline {mode}: peak {baseline[mode].PeakWorkingSetBytes / 1e6:N0} MB");
            }
            foreach (long rows in inMemoryRows.Union(streamedRows).Order())
                foreach (var mode in new[] { "in-memory", "streaming" })
                {
                    if (!(mode == "in-memory" ? inMemoryRows : streamedRows).Contains(rows)) continue;
                    var runs = Measure(File(rows), mode);
                    var m = Median(runs);
                    long raw = rows * SyntheticRows.FeatureCount * sizeof(float);
                    double OverRaw(FitChild.Measurement run) => (double)(run.PeakWorkingSetBytes - baseline[mode].PeakWorkingSetBytes) / raw;
                    var row = new Row(rows, mode, raw, m.PeakWorkingSetBytes, m.PeakWorkingSetBytes - baseline[mode].PeakWorkingSetBytes,
                        OverRaw(m), m.RowsPerSecond, m.PreparationSeconds, m.TrainingSeconds)
                    {
                        LowestOverRaw = runs.Min(OverRaw), HighestOverRaw = runs.Max(OverRaw),
                    };
                    results.Add(row);
                    context.Log($"{rows:N0} rows {mode}: peak {row.PeakBytes / 1e6:N0} MB, above baseline {row.AboveBaselineBytes / 1e6:N0} MB = {row.AboveBaselineOverRaw:F2}× raw " +
                        $"({row.LowestOverRaw:F2}–{row.HighestOverRaw:F2}× over {Runs} runs); {row.RowsPerSecond:N0} rows/s training, {row.PreparationSeconds:F1} s reading before training");
                }
            return new Result(Epochs, SyntheticRows.FeatureCount, baseline["in-memory"].PeakWorkingSetBytes, baseline["streaming"].PeakWorkingSetBytes, results);
        }
        finally
        {
            foreach (long rows in inMemoryRows.Union(streamedRows).Append(BaselineRows))
                System.IO.File.Delete(File(rows));
        }
    }

    /// <summary>
    /// <see cref="Runs"/> Fits of the file, each in its own process: one process's peak swings with when the collector
    /// happens to run, so the report gives the median run and the range.
    /// </summary>
    private static List<FitChild.Measurement> Measure(string file, string mode)
        => Enumerable.Range(0, Runs).Select(_ => FitChild.Start(file, mode, Epochs)).ToList();

    /// <summary>The run with the median peak.</summary>
    private static FitChild.Measurement Median(List<FitChild.Measurement> runs) => runs.OrderBy(m => m.PeakWorkingSetBytes).ElementAt(runs.Count / 2);

    internal sealed record Row(long Rows, string Mode, long RawFeatureBytes, long PeakBytes, long AboveBaselineBytes, double AboveBaselineOverRaw,
        double RowsPerSecond, double PreparationSeconds, double TrainingSeconds)
    {
        /// <summary>The lowest and highest of the runs' peaks above the baseline over the raw feature bytes.</summary>
        public double LowestOverRaw { get; init; }

        public double HighestOverRaw { get; init; }
    }

    internal sealed record Result(int Epochs, int Features, long BaselineInMemoryBytes, long BaselineStreamingBytes, IReadOnlyList<Row> Rows) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"Peak working set of one Fit (its own process; the median of {Runs} runs, and the range of the runs' ratios; {Epochs} epochs; {Features} synthetic features; an ML.NET binary file). " +
                $"Baseline (10,000 rows, median): {BaselineInMemoryBytes / 1e6:N0} MB in memory, {BaselineStreamingBytes / 1e6:N0} MB streaming.\n");
            md.AppendLine("| rows | raw features | mode | peak | above baseline | ÷ raw features | range over the runs | training rows/s | reading not overlapped |");
            md.AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in Rows)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Rows:N0} | {r.RawFeatureBytes / 1e6:N0} MB | {r.Mode} | {r.PeakBytes / 1e6:N0} MB | {r.AboveBaselineBytes / 1e6:N0} MB | {r.AboveBaselineOverRaw:F2}× | {r.LowestOverRaw:F2}–{r.HighestOverRaw:F2}× | {r.RowsPerSecond:N0} | {r.PreparationSeconds:F1} s |");
            // What each further row costs: the peak's growth from the next smaller size over the raw bytes added. Constant
            // costs (the reader's buffers, the collector's headroom) cancel out of it.
            foreach (var mode in Rows.GroupBy(r => r.Mode))
            {
                var sizes = mode.OrderBy(r => r.Rows).ToList();
                var steps = sizes.Skip(1).Select((r, i) => string.Create(CultureInfo.InvariantCulture,
                    $"{sizes[i].Rows / 1e6:0.#}M → {r.Rows / 1e6:0.#}M rows: {(double)(r.PeakBytes - sizes[i].PeakBytes) / (r.RawFeatureBytes - sizes[i].RawFeatureBytes):F2}×"));
                md.AppendLine(CultureInfo.InvariantCulture, $"\n{mode.Key}, peak growth per raw byte added: {string.Join("; ", steps)}.");
            }
            foreach (var rows in Rows.GroupBy(r => r.Rows).Where(g => g.Count() == 2))
            {
                var memory = rows.Single(r => r.Mode == "in-memory");
                var streamed = rows.Single(r => r.Mode == "streaming");
                md.AppendLine(CultureInfo.InvariantCulture, $"\n{rows.Key:N0} rows: streaming trains at {streamed.RowsPerSecond / memory.RowsPerSecond:F2}× the in-memory rate.");
            }
            return md.ToString();
        }
    }
}
