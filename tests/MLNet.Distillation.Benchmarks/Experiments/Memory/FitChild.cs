using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// One Fit in a process of its own, so that the process's peak working set is the Fit's: the memory experiments start
/// this program with <c>--fit-child FILE MODE EPOCHS</c> and read one JSON line from its output.
/// </summary>
internal static class FitChild
{
    public const string Flag = "--fit-child";

    public sealed record Measurement(long Rows, string Mode, long PeakWorkingSetBytes, double FitSeconds, double PreparationSeconds,
        double TrainingSeconds, double RowsPerSecond, int Epochs);

    public static int Run(string[] args)
    {
        string file = args[1], mode = args[2];
        int epochs = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromBinary(file);
        var watch = Stopwatch.StartNew();
        var student = ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
        {
            TeacherColumnName = "TeacherLogits",
            NumberOfEpochs = epochs,
            Seed = 1,
            Streaming = mode == "streaming",
        }).Fit(data);
        watch.Stop();
        var profile = student.Profile;
        var measurement = new Measurement(data.GetRowCount() ?? -1, mode, Process.GetCurrentProcess().PeakWorkingSet64, watch.Elapsed.TotalSeconds,
            profile.DataLoading.TotalSeconds, profile.Training.TotalSeconds, profile.SamplesPerSecond, epochs);
        Console.WriteLine(JsonSerializer.Serialize(measurement));
        return 0;
    }

    /// <summary>Runs a child and returns its measurement.</summary>
    public static Measurement Start(string file, string mode, int epochs)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Under `dotnet run` the process is the apphost; under `dotnet X.dll` it is dotnet itself and needs the dll.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(FitChild).Assembly.Location);
        foreach (var a in new[] { Flag, file, mode, epochs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The fit child ({mode}, {file}) failed with exit code {process.ExitCode}: {errors.Result}{output}");
        return JsonSerializer.Deserialize<Measurement>(line)!;
    }
}
