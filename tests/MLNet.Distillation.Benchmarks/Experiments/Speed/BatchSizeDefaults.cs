using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// The evidence behind the default batch size and learning rate: students from labels on Fashion-MNIST (20 epochs) and on
/// the UCI tables shipped in examples/data (epochs sized by optimizer steps, as by default), for several batch sizes and
/// learning rates, 3 seeds each: accuracy (AUC, R²) at convergence and time per Fit.
/// </summary>
internal sealed class BatchSizeDefaults(SpeedContext context, string examplesData) : IExperiment
{
    private static readonly (int Batch, float LearningRate)[] Settings = [(64, 1e-3f), (128, 1e-3f), (256, 1e-3f), (256, 2e-3f), (256, 4e-3f)];

    public string Name => "batchSizeDefaults";

    public ExperimentResult Run()
    {
        var ml = context.ML;
        var sets = new List<(string Name, string Metric, DistillationTask Task, IDataView Train, IDataView Test, int? Epochs)>
        {
            ("Fashion-MNIST, 20 epochs", "accuracy", DistillationTask.MulticlassClassification, context.Train,
                FashionMnist.Load(train: false, maxRows: context.Settings.TestRows), 20),
        };
        void Table(string name, string metric, DistillationTask task, string file, int features, DataKind label, bool header, IEstimator<ITransformer>? prepare = null)
        {
            var data = ml.Data.LoadFromTextFile(Path.Combine(examplesData, file),
                [new TextLoader.Column("Features", DataKind.Single, 0, features - 1), new TextLoader.Column("Label", label, features)], ',', header);
            var split = ml.Data.TrainTestSplit(data, 0.3, seed: 0);
            var prepared = (prepare ?? ml.Transforms.CopyColumns("Unchanged", "Features")).Fit(split.TrainSet);
            sets.Add((name, metric, task, ml.Data.Cache(prepared.Transform(split.TrainSet)), ml.Data.Cache(prepared.Transform(split.TestSet)), null));
        }
        Table("UCI wine", "accuracy", DistillationTask.MulticlassClassification, "wine.csv", 13, DataKind.String, true, ml.Transforms.Conversion.MapValueToKey("Label"));
        Table("UCI digits", "accuracy", DistillationTask.MulticlassClassification, "digits.csv", 64, DataKind.String, false, ml.Transforms.Conversion.MapValueToKey("Label"));
        Table("UCI breast cancer", "AUC", DistillationTask.BinaryClassification, "breast_cancer.csv", 30, DataKind.Boolean, true);
        Table("UCI concrete", "R²", DistillationTask.Regression, "concrete.csv", 8, DataKind.Single, true);

        var rows = new List<Row>();
        foreach (var set in sets)
            foreach (var (batch, learningRate) in Settings)
            {
                var values = new List<double>();
                var watch = Stopwatch.StartNew();
                int epochs = 0;
                foreach (int seed in context.Settings.Seeds)
                {
                    StudentTransformer student = set.Task switch
                    {
                        DistillationTask.MulticlassClassification => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
                            { TeacherColumnName = null, BatchSize = batch, LearningRate = learningRate, NumberOfEpochs = set.Epochs, Seed = seed }).Fit(set.Train),
                        DistillationTask.BinaryClassification => ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
                            { TeacherColumnName = null, BatchSize = batch, LearningRate = learningRate, NumberOfEpochs = set.Epochs, Seed = seed }).Fit(set.Train),
                        _ => ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
                            { TeacherColumnName = null, BatchSize = batch, LearningRate = learningRate, NumberOfEpochs = set.Epochs, Seed = seed }).Fit(set.Train),
                    };
                    var scored = student.Transform(set.Test);
                    values.Add(set.Task switch
                    {
                        DistillationTask.MulticlassClassification => ml.MulticlassClassification.Evaluate(scored).MicroAccuracy,
                        DistillationTask.BinaryClassification => ml.BinaryClassification.Evaluate(scored).AreaUnderRocCurve,
                        _ => ml.Regression.Evaluate(scored).RSquared,
                    });
                    epochs = student.TrainingHistory.Count;
                }
                var row = new Row(set.Name, set.Metric, batch, learningRate, MeanStd.Of(values), watch.Elapsed.TotalSeconds / values.Count, epochs);
                rows.Add(row);
                context.Log($"{set.Name}, batch {batch}, lr {learningRate}: {row.Value.Format("0.0000")}, {row.SecondsPerFit:F1} s per fit");
            }
        return new Result(rows);
    }

    internal sealed record Row(string Data, string Metric, int BatchSize, float LearningRate, MeanStd Value, double SecondsPerFit, int Epochs);

    internal sealed record Result(List<Row> Fits) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            s.AppendLine("Students from labels by batch size and learning rate (MLP 64; mean ± std over seeds; tables: epochs sized by optimizer steps):");
            s.AppendLine();
            s.AppendLine("| data | metric | batch | learning rate | result | s per Fit | epochs |");
            s.AppendLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var r in Fits)
                s.AppendLine(inv, $"| {r.Data} | {r.Metric} | {r.BatchSize} | {r.LearningRate:0.000} | {r.Value.Format("0.0000")} | {r.SecondsPerFit:F1} | {r.Epochs} |");
            return s.ToString();
        }
    }
}
