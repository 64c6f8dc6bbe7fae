using System.Globalization;
using System.Text;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// One streamed Fit on a file larger than the machine's memory (full mode only): synthetic rows (<see cref="SyntheticRows"/>)
/// to 1.1× the memory the runtime reports, one epoch, in a process of its own (<see cref="FitChild"/>). Skipped, and said
/// so, when the disk has no room for the file with a margin.
/// </summary>
internal sealed class LargerThanMemory(SpeedContext context, string workFolder) : IExperiment
{
    private const int Epochs = 1;
    // Bytes per row in an ML.NET binary file of SyntheticRows (64 + 1 + 1 floats, stored nearly uncompressed), measured.
    private const double FileBytesPerRow = 244;

    public string Name => "largerThanMemory";

    public ExperimentResult Run()
    {
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long rows = (long)(memory * 1.1 / FileBytesPerRow);
        if (context.Settings.Mode != "full")
            return new Result(memory, rows, 0, null, "skipped in quick mode (the file alone takes minutes to write)");
        Directory.CreateDirectory(workFolder);
        long free = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(workFolder))!).AvailableFreeSpace;
        if (free < rows * FileBytesPerRow * 1.2)
            return new Result(memory, rows, 0, null, $"skipped: {free / 1e9:F0} GB free on disk, {rows * FileBytesPerRow * 1.2 / 1e9:F0} GB needed");
        string file = Path.Combine(workFolder, $"synthetic-{rows}.idv");
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            SyntheticRows.WriteBinary(context.ML, file, rows);
            long size = new FileInfo(file).Length;
            context.Log($"wrote {rows:N0} synthetic rows ({size / 1e9:F1} GB; memory {memory / 1e9:F1} GB) in {watch.Elapsed.TotalSeconds:F0} s");
            var m = FitChild.Start(file, "streaming", Epochs);
            context.Log($"streamed {rows:N0} rows: peak {m.PeakWorkingSetBytes / 1e6:N0} MB, {m.RowsPerSecond:N0} rows/s training, {m.FitSeconds:F0} s in all");
            return new Result(memory, rows, size, m, null);
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal sealed record Result(long MemoryBytes, long Rows, long FileBytes, FitChild.Measurement? Fit, string? Skipped) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            if (Fit is null)
                return $"Larger than memory: {Skipped}.\n";
            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"One streamed Fit ({Fit.Epochs} epoch) on {Rows:N0} rows: a {FileBytes / 1e9:F1} GB file on a machine with {MemoryBytes / 1e9:F1} GB of memory. " +
                $"Peak working set {Fit.PeakWorkingSetBytes / 1e6:N0} MB; {Fit.RowsPerSecond:N0} rows/s while training; {Fit.PreparationSeconds:F0} s reading that training did not overlap (the pass before training included); {Fit.FitSeconds:F0} s in all.");
            return md.ToString();
        }
    }
}
