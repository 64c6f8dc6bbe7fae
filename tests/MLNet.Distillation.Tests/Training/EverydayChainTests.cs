using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>
/// The chain ML.NET users (and Model Builder's generated code) build works unchanged on a fitted distillation pipeline,
/// teacher stage included, for every task: PredictionEngine, mlContext.Model.Save/Load, CrossValidate, and GetOutputSchema
/// declaring exactly the columns Transform writes.
/// </summary>
public sealed class EverydayChainTests
{
    [Fact]
    public void Multiclass_pipeline_predicts_saves_reloads_and_cross_validates()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 400);
        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });
        // The shape of Model Builder's generated pipeline: label to key, trainer, predicted key back to its value.
        var training = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.TeacherScore(teacher))
            .Append(ml.MulticlassClassification.Trainers.Distillation(numberOfEpochs: 30, learningRate: 5e-3f, seed: 1));
        var pipeline = training.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = CheckSchemaAndSaveLoad(ml, pipeline, data, "Score", "PredictedLabel");

        var input = ml.Data.CreateEnumerable<DigitInput>(data, reuseRowObject: false).Take(50).ToArray();
        var whole = ml.Model.CreatePredictionEngine<DigitInput, TextPrediction>(model);
        var student = ml.Model.CreatePredictionEngine<DigitInput, TextPrediction>(model.Student());
        Assert.All(input, row => Assert.Equal(student.Predict(row).PredictedLabel, whole.Predict(row).PredictedLabel));
        Assert.Contains(whole.Predict(input[0]).PredictedLabel, Enumerable.Range(0, 10).Select(d => d.ToString()));

        var folds = ml.MulticlassClassification.CrossValidate(data, training, numberOfFolds: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy > 0.8, $"fold accuracy {f.Metrics.MicroAccuracy:P1}"));
    }

    [Fact]
    public void Binary_pipeline_predicts_saves_reloads_and_cross_validates()
    {
        var ml = new MLContext(0);
        var data = TestData.BreastCancer(ml);
        var fastTree = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 30).Fit(data);
        var pipeline = ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree))
            .Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 60, seed: 1));
        var model = CheckSchemaAndSaveLoad(ml, pipeline, data, "Score", "Probability", "PredictedLabel");

        var input = ml.Data.CreateEnumerable<CancerInput>(data, reuseRowObject: false).Take(50).ToArray();
        var whole = ml.Model.CreatePredictionEngine<CancerInput, BinaryPrediction>(model);
        var student = ml.Model.CreatePredictionEngine<CancerInput, BinaryPrediction>(model.Student());
        Assert.All(input, row =>
        {
            var (a, b) = (student.Predict(row), whole.Predict(row));
            Assert.Equal((a.Score, a.Probability, a.PredictedLabel), (b.Score, b.Probability, b.PredictedLabel));
        });

        var folds = ml.BinaryClassification.CrossValidate(data, pipeline, numberOfFolds: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.AreaUnderRocCurve > 0.95, $"fold AUC {f.Metrics.AreaUnderRocCurve:F3}"));
        Assert.All(ml.BinaryClassification.CrossValidateNonCalibrated(data, pipeline, numberOfFolds: 2), f => Assert.True(f.Metrics.Accuracy > 0.85));
    }

    [Fact]
    public void Regression_pipeline_predicts_saves_reloads_and_cross_validates()
    {
        var ml = new MLContext(0);
        var data = TestData.Concrete(ml);
        var forest = ml.Regression.Trainers.FastTree(numberOfTrees: 50).Fit(data);
        var pipeline = ml.Transforms.TeacherScore(Teacher.FromTransformer(forest))
            .Append(ml.Regression.Trainers.Distillation(numberOfEpochs: 40, seed: 1));
        var model = CheckSchemaAndSaveLoad(ml, pipeline, data, "Score");

        var input = ml.Data.CreateEnumerable<ConcreteInput>(data, reuseRowObject: false).Take(50).ToArray();
        var whole = ml.Model.CreatePredictionEngine<ConcreteInput, RegressionPrediction>(model);
        var student = ml.Model.CreatePredictionEngine<ConcreteInput, RegressionPrediction>(model.Student());
        Assert.All(input, row => Assert.Equal(student.Predict(row).Score, whole.Predict(row).Score));

        var folds = ml.Regression.CrossValidate(data, pipeline, numberOfFolds: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.RSquared > 0.7, $"fold R² {f.Metrics.RSquared:F3}"));
    }

    /// <summary>
    /// Fits the pipeline; checks that GetOutputSchema declared the student's columns with the types Transform writes; saves
    /// the whole pipeline with plain mlContext.Model.Save and reloads it in a fresh context with plain mlContext.Model.Load;
    /// checks the reloaded model gives the same outputs and no longer has the teacher's column.
    /// </summary>
    private static ITransformer CheckSchemaAndSaveLoad<T>(MLContext ml, IEstimator<T> pipeline, IDataView data, params string[] outputs)
        where T : class, ITransformer
    {
        var declared = pipeline.GetOutputSchema(SchemaShapes.FromSchema(data.Schema));
        var model = pipeline.Fit(data);
        var scored = model.Transform(data);
        foreach (var name in outputs)
        {
            var column = SchemaShapes.Find(declared, name)!.Value;
            var actual = scored.Schema[name];
            var shape = SchemaShapes.Find(SchemaShapes.FromSchema(scored.Schema), name)!.Value;
            Assert.True((column.Kind, column.ItemType.RawType, column.IsKey) == (shape.Kind, shape.ItemType.RawType, shape.IsKey),
                $"'{name}' declared {column.Kind} {column.ItemType} (key {column.IsKey}) but written as {actual.Type}");
        }

        var path = Path.Combine(Path.GetTempPath(), $"pipeline-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var fresh = new MLContext(42);
            var reloaded = fresh.Model.Load(path, out var schema); // no registration: ML.NET finds the runtime's stages itself
            var again = reloaded.Transform(data);
            Assert.Null(again.Schema.GetColumnOrNull(DefaultColumnNames.TeacherLogits));
            foreach (var name in outputs)
                Assert.Equal(Values(scored, name), Values(again, name));
            return model;
        }
        finally { File.Delete(path); }
    }

    private static List<string> Values(IDataView data, string column)
    {
        var values = new List<string>();
        var col = data.Schema[column];
        using var cursor = data.GetRowCursor([col]);
        var type = col.Type;
        Func<string> read = type switch
        {
            VectorDataViewType => Getter<VBuffer<float>>(cursor, col, v => string.Join(",", v.DenseValues())),
            TextDataViewType => Getter<ReadOnlyMemory<char>>(cursor, col, v => v.ToString()),
            BooleanDataViewType => Getter<bool>(cursor, col, v => v.ToString()),
            KeyDataViewType => Getter<uint>(cursor, col, v => v.ToString()),
            _ => Getter<float>(cursor, col, v => v.ToString("R")),
        };
        while (cursor.MoveNext())
            values.Add(read());
        return values;
    }

    private static Func<string> Getter<TValue>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<TValue, string> format)
    {
        var getter = cursor.GetGetter<TValue>(column);
        TValue value = default!;
        return () => { getter(ref value); return format(value); };
    }

    private sealed class DigitInput
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = ""; // MapValueToKey("Label") reads it, as in Model Builder's ModelInput
    }

    private sealed class TextPrediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private sealed class CancerInput
    {
        [VectorType(30)] public float[] Features { get; set; } = [];
    }

    private sealed class BinaryPrediction
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private sealed class ConcreteInput
    {
        [VectorType(8)] public float[] Features { get; set; } = [];
    }

    private sealed class RegressionPrediction
    {
        public float Score { get; set; }
    }
}
