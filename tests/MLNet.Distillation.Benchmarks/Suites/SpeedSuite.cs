using Microsoft.ML;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// How close the library runs to what the machine allows: the measured GEMM peak, the library's training epoch beside a
/// minimal raw TorchSharp loop on the same libtorch, single-row prediction beside raw ONNX Runtime, and memory by row count.
/// Everything is measured side by side in one run, interleaved, best (or median) of several trials.
/// </summary>
internal sealed class SpeedSuite(string? dataFolder) : IBenchmarkSuite
{
    public const string Name = "speed";

    public string SuiteName => Name;

    public string Title => "Speed and memory benchmark";

    /// <summary>examples/data, found above the program's folder (the benchmark runs from the repository).</summary>
    private static string ExamplesData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "examples", "data")))
                return Path.Combine(dir.FullName, "examples", "data");
        throw new DirectoryNotFoundException("examples/data was not found above " + AppContext.BaseDirectory);
    }

    public IReadOnlyList<IExperiment> Prepare(BenchmarkSettings settings, Action<string> log)
    {
        var train = FashionMnist.Load(dataFolder ?? FashionMnist.DebianFolder, train: true, maxRows: settings.TrainRows);
        log($"{settings.Mode}: {train.RowCount:N0} Fashion-MNIST training images for the timing experiments.");
        var context = new SpeedContext(new MLContext(seed: 0), settings, train, log);
        return
        [
            new GemmPeak(context),
            new TrainingOverhead(context),
            new ThreadCount(context),
            new BatchSizeDefaults(context, ExamplesData()),
            new SingleRowPrediction(context),
            new MemoryByRows(context, Path.Combine(Path.GetTempPath(), "mlnet-distillation-memory")),
            new LargerThanMemory(context, Path.Combine(Path.GetTempPath(), "mlnet-distillation-memory")),
        ];
    }
}

/// <summary>What the speed experiments share.</summary>
internal sealed class SpeedContext(MLContext ml, BenchmarkSettings settings, InMemoryClassificationData train, Action<string> log)
{
    public MLContext ML { get; } = ml;
    public BenchmarkSettings Settings { get; } = settings;
    public InMemoryClassificationData Train { get; } = train;
    public Action<string> Log { get; } = log;

    /// <summary>Set by <see cref="GemmPeak"/>: the best matrix-multiply rate, GFLOP/s.</summary>
    public double PeakGflops { get; set; }
}
