using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MLNet.Distillation.Cli;

/// <summary>
/// metrics.json: the evaluation of teacher and student as <see cref="DistillationEvaluation.ToJson"/> writes it (so that
/// <see cref="DistillationEvaluation.FromJson"/> reads the file back), with what else a run needs to be read and
/// repeated: the student from labels alone and the majority-class model measured on the same rows, the verdict with its
/// metric and every seed's figure, the notes the console printed, and the run's settings (every option as used, the
/// seeds, the data files' SHA-256 and the versions of the tool and its libraries).
/// </summary>
internal static class MetricsJson
{
    /// <summary>The options the library's own JSON uses (camelCase, enums as names, NaN as a string).</summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The JSON text of metrics.json.</summary>
    /// <param name="evaluation">Teacher and (the <c>--seed</c>) student.</param>
    /// <param name="others">The student from labels alone and the majority-class model, under the keys metrics.json gives them.</param>
    /// <param name="comparison">The verdict, or null without a baseline.</param>
    /// <param name="notes">The warnings and notes the console printed.</param>
    /// <param name="settings">The run's settings.</param>
    public static string Write(DistillationEvaluation evaluation, IReadOnlyDictionary<string, ModelEvaluation> others, StudentComparison? comparison,
        IReadOnlyList<string> notes, object settings)
    {
        var root = JsonNode.Parse(evaluation.ToJson())!.AsObject();
        foreach (var (key, model) in others)
            root[key] = JsonSerializer.SerializeToNode(model, Json);
        if (comparison is not null)
            root["verdict"] = JsonSerializer.SerializeToNode(new
            {
                metric = comparison.Metric.Describe(),
                metricName = comparison.Metric.Name,
                higherIsBetter = comparison.Metric.HigherIsBetter,
                minorityClass = comparison.Metric.MinorityClass,
                why = comparison.Metric.Reason,
                seeds = comparison.Seeds,
                distilled = comparison.Distilled,
                fromLabelsAlone = comparison.FromLabelsAlone,
                majorityClass = comparison.MajorityClass,
                outcome = comparison.Verdict,
                text = string.Join(" ", comparison.Lines().TakeLast(1)),
            }, Json);
        root["notes"] = JsonSerializer.SerializeToNode(notes, Json);
        root["settings"] = JsonSerializer.SerializeToNode(settings, Json);
        return root.ToJsonString(Json) + "\n";
    }

    /// <summary>The SHA-256 of a file, in lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The versions of the tool, the library, ML.NET, LightGbm, TorchSharp and .NET that made the run.</summary>
    public static IReadOnlyDictionary<string, string> Versions() => new Dictionary<string, string>
    {
        ["distill"] = Version(typeof(MetricsJson).Assembly),
        ["MLNet.Distillation"] = Version(typeof(DistillationEvaluation).Assembly),
        ["Microsoft.ML"] = Version(typeof(Microsoft.ML.MLContext).Assembly),
        ["Microsoft.ML.LightGbm"] = Version(typeof(Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer).Assembly),
        ["TorchSharp"] = Version(typeof(TorchSharp.torch).Assembly),
        [".NET"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
    };

    private static string Version(Assembly assembly)
        => assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
