using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// The tabular student (KD α=0.1 from the LightGbm teacher, one seed, 64 hidden units) against its int8 versions
/// (<see cref="QuantizationComparison"/>). Needs the teacher experiment to have run.
/// </summary>
internal sealed class TabularQuantization(TabularContext context) : IExperiment
{
    public string Name => $"{context.Dataset.ModelDataName}.quantization";

    public ExperimentResult Run()
    {
        var ml = context.ML;
        var teacher = Teacher.FromTransformer(context.Teacher);
        StudentTransformer student = context.IsBinary
            ? ml.Transforms.TeacherScore(teacher).Append(ml.BinaryClassification.Trainers.Distillation(
                new DistillationBinaryTrainer.Options { Alpha = 0.1f, Seed = 1 })).Fit(context.Train).LastTransformer
            : ml.Transforms.TeacherScore(teacher).Append(ml.Regression.Trainers.Distillation(
                new DistillationRegressionTrainer.Options { Alpha = 0.1f, Seed = 1 })).Fit(context.Train).LastTransformer;
        teacher.Dispose();

        var definition = SchemaDefinition.Create(typeof(TabularLatency.FeatureRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, context.FeatureCount);
        var inputs = ml.Data.CreateEnumerable<TabularLatency.FeatureRow>(context.Test, reuseRowObject: false, schemaDefinition: definition).Take(300).ToArray();
        Action<int> Engine(ITransformer model)
        {
            var engine = ml.Model.CreatePredictionEngine<TabularLatency.FeatureRow, TabularLatency.ScoreRow>(model, inputSchemaDefinition: definition);
            return i => engine.Predict(inputs[i % inputs.Length]);
        }
        Dictionary<string, double> Quality(IDataView scored) => context.IsBinary
            ? new() { ["AUC"] = ml.BinaryClassification.Evaluate(scored).AreaUnderRocCurve, ["accuracy"] = ml.BinaryClassification.Evaluate(scored).Accuracy }
            : new() { ["R²"] = ml.Regression.Evaluate(scored).RSquared, ["RMSE"] = ml.Regression.Evaluate(scored).RootMeanSquaredError };
        double Agreement(IDataView scored, IDataView floatScored) => context.IsBinary
            ? scored.GetColumn<bool>("PredictedLabel").Zip(floatScored.GetColumn<bool>("PredictedLabel")).Average(p => p.First == p.Second ? 1.0 : 0.0)
            : Math.Sqrt(scored.GetColumn<float>("Score").Zip(floatScored.GetColumn<float>("Score")).Average(p => (double)(p.First - p.Second) * (p.First - p.Second)));

        var rows = QuantizationComparison.Run(ml, student, ml.Data.TakeRows(context.Train, 1000), context.Test, inputs.Select(r => r.Features).ToArray(),
            Engine, Quality, Agreement, context.Settings.LatencyCalls, m => context.Log($"{context.Dataset.Title} {m}"));
        return new QuantizationComparison.Result(context.Dataset.Title, $"{student.Architecture} (KD α=0.1, seed 1)",
            context.IsBinary ? "same label as float" : "RMSE to float", rows);
    }
}
