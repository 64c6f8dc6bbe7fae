using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// The evidence behind the default batch size, learning rate and training length: students from labels on Fashion-MNIST
/// (20 epochs), on the UCI tables shipped in examples/data, and on modeldata's churn and Ames tables (featurised as the
/// tabular suite does), for several batch sizes and learning rates, 3 seeds each: accuracy (AUC, R²) and time per Fit.
/// On the tables the training length is sized two ways, each computed here rather than left to the library: by optimizer
/// steps (at least 3,000 mini-batches) or by rows seen (at least 192,000, which is 3,000 mini-batches of 64), both
/// between 20 and 2,000 epochs.
/// </summary>
internal sealed class BatchSizeDefaults(SpeedContext context, string examplesData) : IExperiment
{
    private static readonly (int Batch, float LearningRate, Sizing Sizing)[] Settings =
        [(64, 1e-3f, Sizing.Steps), (256, 1e-3f, Sizing.Steps), (256, 2e-3f, Sizing.Steps), (256, 2e-3f, Sizing.Rows), (256, 4e-3f, Sizing.Rows)];

    /// <summary>How the experiment sizes training on the tables.</summary>
    internal enum Sizing { Steps, Rows }

    private static int Epochs(Sizing sizing, long rows, int batch)
    {
        long perEpoch = sizing == Sizing.Steps ? (rows + batch - 1) / batch : rows;
        long needed = sizing == Sizing.Steps ? 3000 : 192_000;
        return (int)Math.Clamp((needed + perEpoch - 1) / perEpoch, 20, 2000);
    }

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
        foreach (var dataset in new[] { TabularDataset.Churn, TabularDataset.Ames })
        {
            var tabular = TabularContext.Create(new MLContext(seed: 0), dataset, ModelData.Export(dataset.ModelDataName, null), context.Settings, context.Log);
            sets.Add((dataset.Title, tabular.IsBinary ? "AUC" : "R²", dataset.Task, tabular.Train, tabular.Test, null));
        }

        var rows = new List<Row>();
        foreach (var set in sets)
            foreach (var (batch, learningRate, sizing) in Settings)
            {
                if (set.Epochs is not null && sizing != Sizing.Steps)
                    continue; // a set with a fixed epoch count has one sizing
                int fitEpochs = set.Epochs ?? Epochs(sizing, set.Train.GetRowCount() ?? TestRows(set.Train), batch);
                var values = new List<double>();
                var watch = Stopwatch.StartNew();
                int epochs = 0;
                foreach (int seed in context.Settings.Seeds)
                {
                    StudentTransformer student = set.Task switch
                    {
                        DistillationTask.MulticlassClassification => ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
                        { TeacherColumnName = null, BatchSize = batch, LearningRate = learningRate, NumberOfEpochs = fitEpochs, Seed = seed }).Fit(set.Train),
                        DistillationTask.BinaryClassification => ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
                        { TeacherColumnName = null, BatchSize = batch, LearningRate = learningRate, NumberOfEpochs = fitEpochs, Seed = seed }).Fit(set.Train),
                        _ => ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
                        { TeacherColumnName = null, BatchSize = batch, LearningRate = learningRate, NumberOfEpochs = fitEpochs, Seed = seed }).Fit(set.Train),
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
                var row = new Row(set.Name, set.Metric, batch, learningRate, set.Epochs is null ? sizing.ToString().ToLowerInvariant() : "fixed", MeanStd.Of(values), watch.Elapsed.TotalSeconds / values.Count, epochs);
                rows.Add(row);
                context.Log($"{set.Name}, batch {batch}, lr {learningRate}, sized by {row.SizedBy}: {row.Value.Format("0.0000")}, {row.SecondsPerFit:F1} s per fit, {epochs} epochs");
            }
        return new Result(rows);
    }

    private static long TestRows(IDataView data)
    {
        using var cursor = data.GetRowCursor([]);
        long n = 0;
        while (cursor.MoveNext()) n++;
        return n;
    }

    internal sealed record Row(string Data, string Metric, int BatchSize, float LearningRate, string SizedBy, MeanStd Value, double SecondsPerFit, int Epochs);

    internal sealed record Result(List<Row> Fits) : ExperimentResult
    {
        public override string ToMarkdown()
        {
            var s = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            s.AppendLine("Students from labels by batch size, learning rate and training length (MLP 64; mean ± std over seeds; tables: " +
                "training sized by optimizer steps, ≥ 3,000, or by rows seen, ≥ 192,000, within 20–2,000 epochs):");
            s.AppendLine();
            s.AppendLine("| data | metric | batch | learning rate | sized by | result | s per Fit | epochs |");
            s.AppendLine("|---|---|---:|---:|---|---:|---:|---:|");
            foreach (var r in Fits)
                s.AppendLine(inv, $"| {r.Data} | {r.Metric} | {r.BatchSize} | {r.LearningRate:0.000} | {r.SizedBy} | {r.Value.Format("0.0000")} | {r.SecondsPerFit:F1} | {r.Epochs} |");
            return s.ToString();
        }
    }
}
