using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MLNet.Distillation.Benchmarks;

/// <summary>One suite's run: where and when it ran, and each experiment's result (by name, in run order).</summary>
internal sealed record BenchmarkReport(
    string Suite,
    string Title,
    string Mode,
    DateTime StartedUtc,
    double ElapsedSeconds,
    Dictionary<string, string> Machine,
    long PeakWorkingSetBytes,
    Dictionary<string, object> Experiments)
{
    public string ToMarkdown()
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(inv, $"# {Title} ({Mode})");
        s.AppendLine();
        s.AppendLine(inv, $"Run {StartedUtc:yyyy-MM-dd HH:mm} UTC on {Machine["processors"]} cores ({Machine["os"]}, .NET {Machine["dotnet"]}), " +
            $"{ElapsedSeconds / 60:0.0} min, peak working set {PeakWorkingSetBytes / 1048576.0:0} MiB.");
        foreach (var result in Experiments.Values.Cast<ExperimentResult>())
        {
            s.AppendLine();
            s.Append(result.ToMarkdown());
        }
        return s.ToString();
    }

    /// <summary>
    /// Writes <c>SUITE-MODE.json</c> and <c>SUITE-MODE.md</c> into <paramref name="folder"/>, each under a temporary name
    /// first; a run of some experiments only (<c>--only</c>) adds their names, so it never replaces a whole run's files.
    /// </summary>
    public void Write(string folder, IReadOnlySet<string>? only = null)
    {
        string stem = Path.Combine(folder, only is null ? $"{Suite}-{Mode}" : $"{Suite}-{Mode}-{string.Join('+', only.Order())}");
        WriteAtomically(stem + ".json", JsonSerializer.Serialize(this, new JsonSerializerOptions
        {
            WriteIndented = true,
            // An overconfident model's log-loss can be infinite; the report keeps it rather than failing.
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        WriteAtomically(stem + ".md", ToMarkdown());
        Console.WriteLine($"wrote {stem}.json and .md");
    }

    private static void WriteAtomically(string path, string text)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
