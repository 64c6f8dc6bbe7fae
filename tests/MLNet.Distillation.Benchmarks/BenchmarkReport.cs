using System.Globalization;
using System.Text;

namespace MLNet.Distillation.Benchmarks;

internal sealed record MeanStd(double Mean, double Std, double[] Values)
{
    public static MeanStd Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return new MeanStd(mean, std, v);
    }

    public string Percent => string.Create(CultureInfo.InvariantCulture, $"{Mean * 100:0.00} ± {Std * 100:0.00}");
}

internal sealed record ModelQuality(double Accuracy, double MacroF1, double ExpectedCalibrationError, double? AgreementWithTeacher);

internal sealed record TeacherResult(string Architecture, long Parameters, int Epochs, ModelQuality Test, double TrainingSeconds, double SamplesPerSecond);

internal sealed record StudentRecipeResult(
    string Student,
    string Recipe,
    long Parameters,
    int Epochs,
    int LabelledRows,
    int TrainingRows,
    MeanStd Accuracy,
    MeanStd MacroF1,
    MeanStd ExpectedCalibrationError,
    MeanStd? AgreementWithTeacher,
    double SamplesPerSecond,
    double DataLoadingShareOfEpoch,
    double TorchShareOfTraining);

internal sealed record ScoringThroughput(int Rows, double TeacherScoreRowsPerSecond, double PlainOnnxRuntimeBatch256RowsPerSecond,
    int ApplyOnnxModelRows, double ApplyOnnxModelRowsPerSecond)
{
    public double TeacherScoreVsPlainOnnxRuntime => TeacherScoreRowsPerSecond / PlainOnnxRuntimeBatch256RowsPerSecond;
    public double PlainOnnxRuntimeVsApplyOnnxModel => PlainOnnxRuntimeBatch256RowsPerSecond / ApplyOnnxModelRowsPerSecond;
    public double TeacherScoreVsApplyOnnxModel => TeacherScoreRowsPerSecond / ApplyOnnxModelRowsPerSecond;
}

internal sealed record Latency(string Model, double P50Microseconds, double P95Microseconds, int Calls, int Trials);

internal sealed record BenchmarkResult(
    string Mode,
    DateTime StartedUtc,
    double ElapsedSeconds,
    Dictionary<string, string> Machine,
    TeacherResult Teacher,
    List<StudentRecipeResult> Students,
    ScoringThroughput TeacherScoring,
    List<Latency> SingleRowLatency,
    long PeakWorkingSetBytes)
{
    public string ToMarkdown()
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(inv, $"# Fashion-MNIST benchmark ({Mode})");
        s.AppendLine();
        s.AppendLine(inv, $"Run {StartedUtc:yyyy-MM-dd HH:mm} UTC on {Machine["processors"]} cores ({Machine["os"]}, .NET {Machine["dotnet"]}), {ElapsedSeconds / 60:0.0} min, peak working set {PeakWorkingSetBytes / 1048576.0:0} MiB.");
        s.AppendLine();
        s.AppendLine(inv, $"Teacher **{Teacher.Architecture}**: {Teacher.Parameters:N0} parameters, {Teacher.Epochs} epochs, test accuracy **{Teacher.Test.Accuracy * 100:0.00} %**, macro-F1 {Teacher.Test.MacroF1 * 100:0.00} %, ECE {Teacher.Test.ExpectedCalibrationError:0.0000}, trained at {Teacher.SamplesPerSecond:N0} samples/s.");
        s.AppendLine();
        s.AppendLine("| student | recipe | params | labelled rows | accuracy % | macro-F1 % | agreement with teacher % | ECE | train samples/s | data loading / epoch | time in TorchSharp |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Students)
            s.AppendLine(inv, $"| {r.Student} | {r.Recipe} | {r.Parameters:N0} | {r.LabelledRows:N0} / {r.TrainingRows:N0} | {r.Accuracy.Percent} | {r.MacroF1.Percent} | {r.AgreementWithTeacher?.Percent ?? "–"} | {r.ExpectedCalibrationError.Mean:0.0000} | {r.SamplesPerSecond:N0} | {r.DataLoadingShareOfEpoch * 100:0.0} % | {r.TorchShareOfTraining * 100:0.0} % |");
        s.AppendLine();
        s.AppendLine(inv, $"Mean ± sample std over seeds {string.Join(", ", Students.Count > 0 ? Students[0].Accuracy.Values.Select((_, i) => (i + 1).ToString(inv)) : [])}; figures from the final epoch (no early stopping).");
        s.AppendLine();
        s.AppendLine(inv, $"Teacher scoring of {TeacherScoring.Rows:N0} training images: TeacherScore {TeacherScoring.TeacherScoreRowsPerSecond:N0} rows/s, plain ONNX Runtime session with batches of 256 {TeacherScoring.PlainOnnxRuntimeBatch256RowsPerSecond:N0} rows/s, ML.NET ApplyOnnxModel (row at a time, {TeacherScoring.ApplyOnnxModelRows:N0} rows) {TeacherScoring.ApplyOnnxModelRowsPerSecond:N0} rows/s. " +
            $"TeacherScore / plain session = {TeacherScoring.TeacherScoreVsPlainOnnxRuntime:0.00}×; plain session / ApplyOnnxModel = {TeacherScoring.PlainOnnxRuntimeVsApplyOnnxModel:0.00}×; TeacherScore / ApplyOnnxModel = {TeacherScoring.TeacherScoreVsApplyOnnxModel:0.00}×.");
        s.AppendLine();
        s.AppendLine("| single-row latency through PredictionEngine | p50 µs | p95 µs |");
        s.AppendLine("|---|---:|---:|");
        foreach (var l in SingleRowLatency)
            s.AppendLine(inv, $"| {l.Model} | {l.P50Microseconds:0.0} | {l.P95Microseconds:0.0} |");
        return s.ToString();
    }
}
