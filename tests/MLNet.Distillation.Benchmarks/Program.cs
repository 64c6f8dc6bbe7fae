// Distillation benchmarks on real data. Each suite trains teachers and students, measures them, and writes one JSON
// file and one Markdown report. Not a test: figures from here go into the documentation (docs/articles/benchmarks/), never into timed tests.
//   dotnet run -c Release --project tests/MLNet.Distillation.Benchmarks -- [--suite fashion-mnist|tabular|speed|text] [--mode quick|full] [--data DIR] [--out DIR] [--only experiment,experiment]
// Fashion-MNIST needs: sudo apt-get install dataset-fashion-mnist
// The tabular suite needs R's modeldata, from which it exports its tables itself: sudo apt-get install r-cran-modeldata
// The text suite needs modeldata and janeaustenr: sudo apt-get install r-cran-modeldata r-cran-janeaustenr
// The speed suite's PyTorch + OpenBLAS anchor needs: sudo sh tests/MLNet.Distillation.Benchmarks/Experiments/Speed/PyTorchAnchor/install.sh
using MLNet.Distillation.Benchmarks;

// A Fit in a process of its own, started by the memory experiments.
if (args.Length > 0 && args[0] == FitChild.Flag)
    return FitChild.Run(args);
// Writes a synthetic file for looking at one Fit by hand: --write-synthetic FILE ROWS.
if (args.Length == 3 && args[0] == "--write-synthetic")
{
    SyntheticRows.WriteBinary(new Microsoft.ML.MLContext(0), args[1], long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

string mode = Argument("--mode") ?? "quick";
var settings = mode switch
{
    "quick" => BenchmarkSettings.Quick,
    "full" => BenchmarkSettings.Full,
    _ => throw new ArgumentException($"--mode must be 'quick' or 'full', not '{mode}'."),
};
string suiteName = Argument("--suite") ?? FashionMnistSuite.Name;
string outFolder = Path.GetFullPath(Argument("--out") ?? "benchmark-results");
Directory.CreateDirectory(outFolder);

IBenchmarkSuite suite = suiteName switch
{
    FashionMnistSuite.Name => new FashionMnistSuite(Argument("--data")),
    TabularSuite.Name => new TabularSuite(Argument("--data")),
    SpeedSuite.Name => new SpeedSuite(Argument("--data")),
    TextSuite.Name => new TextSuite(Argument("--data")),
    _ => throw new ArgumentException($"--suite must be '{FashionMnistSuite.Name}', '{TabularSuite.Name}', '{SpeedSuite.Name}' or '{TextSuite.Name}', not '{suiteName}'."),
};
// --only runs some of the suite's experiments (for a quick look; a report for the documentation runs them all).
var only = Argument("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
var report = BenchmarkRunner.Run(suite, settings, only);
report.Write(outFolder, only);
Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
return 0;

string? Argument(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
