// A fresh app on ML.NET 6 that references Microsoft.ML.TorchSharp (Model Builder's text, image and object-detection
// trainers) beside MLNet.Distillation, as a shop that already uses Model Builder would. Both packages depend on
// TorchSharp (Microsoft.ML.TorchSharp asks for >= 0.102.7, this library for 0.107.0): NuGet unifies them on one
// version, and this checks that one TorchSharp assembly serves both in the running process and a student still trains.
// Model Builder's trainers download pretrained weights in Fit, which this machine cannot reach, so the app builds
// ML.NET's text-classification estimator and resolves its TorchSharp reference, but does not fit it.
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TorchSharp;
using MLNet.Distillation;

string data = args[0];
var ml = new MLContext(seed: 0);

// Microsoft.ML.TorchSharp's own estimator, then the TorchSharp assembly its code is bound to.
var textClassifier = ml.MulticlassClassification.Trainers.TextClassification(labelColumnName: "Label", sentence1ColumnName: "Text");
Assembly mlTorchSharp = textClassifier.GetType().Assembly;
AssemblyName reference = mlTorchSharp.GetReferencedAssemblies().Single(r => r.Name == "TorchSharp");
Assembly boundForMLNet = Assembly.Load(reference);
Assembly ours = typeof(TorchSharp.torch).Assembly;
Console.WriteLine($"{mlTorchSharp.GetName().Name} references TorchSharp {reference.Version}; it resolves to {boundForMLNet.GetName().Version}, ours is {ours.GetName().Version}");
if (!ReferenceEquals(boundForMLNet, ours))
    throw new InvalidOperationException("Microsoft.ML.TorchSharp and MLNet.Distillation run different TorchSharp assemblies.");

var rows = ml.Data.Cache(ml.Data.LoadFromTextFile(data, [
    new TextLoader.Column("Features", DataKind.Single, 0, 29),
    new TextLoader.Column("Label", DataKind.Boolean, 30),
], separatorChar: ',', hasHeader: true));
var split = ml.Data.TrainTestSplit(rows, testFraction: 0.3, seed: 1);
var teacher = ml.Transforms.NormalizeMinMax("Features")
    .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression())
    .Fit(split.TrainSet);
var student = ml.Transforms.TeacherScore(Teacher.FromTransformer(teacher))
    .Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 30, seed: 1))
    .Fit(split.TrainSet);
var metrics = ml.BinaryClassification.Evaluate(student.Transform(split.TestSet));
Console.WriteLine(FormattableString.Invariant($"student AUC {metrics.AreaUnderRocCurve:0.0000}"));
if (metrics.AreaUnderRocCurve < 0.95)
    throw new InvalidOperationException("The student did not learn.");

var torchSharps = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "TorchSharp").ToList();
Console.WriteLine($"TorchSharp assemblies loaded: {torchSharps.Count} ({string.Join(", ", torchSharps.Select(a => a.GetName().Version))})");
if (torchSharps.Count != 1)
    throw new InvalidOperationException("More than one TorchSharp assembly loaded.");
