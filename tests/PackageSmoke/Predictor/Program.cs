// A prediction-only app: it references MLNet.Distillation.Runtime alone (no TorchSharp, no libtorch), loads the student the
// trainer app saved with plain mlContext.Model.Load, and checks its probabilities against the trainer's.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

string folder = args[0];
var ml = new MLContext();
var model = ml.Model.Load(Path.Combine(folder, "student.zip"), out _);
var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
int rows = 0;
foreach (var line in File.ReadLines(Path.Combine(folder, "expected.tsv")))
{
    var parts = line.Split('\t');
    var input = new Input { Features = parts[0].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() };
    float expected = float.Parse(parts[1], CultureInfo.InvariantCulture);
    var output = engine.Predict(input);
    if (Math.Abs(output.Probability - expected) > 1e-6f || output.PredictedLabel != output.Score > 0)
        throw new InvalidOperationException($"Row {rows}: probability {output.Probability}, trainer said {expected}.");
    rows++;
}
var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Where(n => n!.StartsWith("TorchSharp", StringComparison.Ordinal)).ToArray();
if (loaded.Length > 0)
    throw new InvalidOperationException("TorchSharp was loaded: " + string.Join(", ", loaded));
if (Directory.EnumerateFiles(AppContext.BaseDirectory, "*torch*", SearchOption.AllDirectories).Any())
    throw new InvalidOperationException("libtorch or TorchSharp files were copied into the prediction app's output.");
Console.WriteLine($"{rows} predictions identical to the trainer's; no TorchSharp or libtorch in this app.");

sealed class Input
{
    [VectorType(30)] public float[] Features { get; set; } = [];
}

sealed class Output
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}
