// A fresh console app that takes MLNet.Distillation as a shop would: from a package feed, nothing else from this repository.
// It distils a FastTree teacher into a binary student on the UCI breast-cancer data, saves the student, and writes the
// student's predictions for the predictor app to compare with, and the HTML report with plots (MLNet.Distillation.Reporting:
// ScottPlot and SkiaSharp's native library as the package brings them, rendering headless). run.sh builds it twice: on
// ML.NET 5.0.1 (the packages' lower bound) and on 6.0.0; the last lines name the versions that really loaded.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation;
using MLNet.Distillation.Reporting;

string data = args[0], outFolder = args[1];
var ml = new MLContext(seed: 0);
var rows = ml.Data.Cache(ml.Data.LoadFromTextFile(data, [
    new TextLoader.Column("Features", DataKind.Single, 0, 29),
    new TextLoader.Column("Label", DataKind.Boolean, 30),
], separatorChar: ',', hasHeader: true));
var split = ml.Data.TrainTestSplit(rows, testFraction: 0.3, seed: 1);
var teacher = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 50).Fit(split.TrainSet);
var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
    .Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 60, seed: 1))
    .Fit(split.TrainSet);
var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine(FormattableString.Invariant($"student AUC {metrics.AreaUnderRocCurve:0.0000}, accuracy {metrics.Accuracy:0.0000}"));
if (metrics.AreaUnderRocCurve < 0.95)
    throw new InvalidOperationException("The student did not learn.");

ml.Distillation.SaveStudent(model, split.TrainSet.Schema, Path.Combine(outFolder, "student.zip"));
var scored = model.Transform(split.TestSet);
var lines = scored.GetColumn<float[]>("Features").Zip(scored.GetColumn<float>("Probability"))
    .Select(p => string.Join(",", p.First.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\t" + p.Second.ToString("R", CultureInfo.InvariantCulture));
File.WriteAllLines(Path.Combine(outFolder, "expected.tsv"), lines);
Console.WriteLine("saved student.zip and expected.tsv");

// Teacher and student measured in one call, and the report from those figures and the real training history.
var evaluation = ml.Distillation.Evaluate(teacher, model, split.TestSet, new EvaluationOptions { TeacherName = "FastTree teacher", LatencyCalls = 200, ThroughputRows = 1000 });
Console.WriteLine(evaluation.ToTable());
var report = new DistillationReport(evaluation) { History = model.TrainingHistory() };
report.SaveHtml(Path.Combine(outFolder, "report.html"));
Console.WriteLine($"saved report.html with {string.Join(", ", report.CreatePlots().Select(p => p.Name))}");

// The versions this process really ran (run.sh compares them with the ones the app asked for).
foreach (string name in new[] { "Microsoft.ML.Data", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.OnnxRuntime", "TorchSharp" })
{
    var loaded = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == name).ToList();
    string versions = string.Join(" ", loaded.Select(a => a.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion.Split('+')[0]));
    Console.WriteLine($"loaded {name} {versions}");
}
