using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;
using MLNet.Distillation.TrainingChild;

namespace MLNet.Distillation.Tests.Training;

/// <summary>
/// The text pipeline a user writes: FeaturizeText → TeacherScore(a pretrained transformer with a head fitted on the labels)
/// → the task's distillation trainer, on real reviews; saved, then reloaded and scored in a fresh process, which must
/// give the same scores bit for bit. Binary (positive review or not) and multiclass (which topic).
/// </summary>
public sealed class TextDistillationTests
{
    public sealed class Review
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    public sealed class TopicRow
    {
        public string Text { get; set; } = "";
        public string Topic { get; set; } = "";
    }

    [Fact]
    public void Binary_text_pipeline_with_a_transformer_teacher_reloads_in_a_fresh_process_with_identical_scores()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(Reviews.Labelled.Select(r => new Review { Text = r.Text, Label = r.Positive }).ToList());
        using var teacher = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder);
        var pipeline = ml.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(ml.Transforms.TeacherScore(teacher))
            .Append(ml.BinaryClassification.Trainers.Distillation(new DistillationBinaryTrainer.Options
            {
                Student = new MlpStudent { HiddenLayers = [16] }, SparseFeatures = true, NumberOfEpochs = 40, LearningRate = 1e-2f, Seed = 4,
                AutomaticEarlyStopping = false,
            }));
        var model = pipeline.Fit(data);
        Assert.NotNull(model.LastTransformer.Model.SparsePairs);
        var scored = model.Transform(data);
        // The student follows its teacher on the rows it learnt from.
        Assert.True(ml.BinaryClassification.Evaluate(scored).AreaUnderRocCurve > 0.9);
        var expected = TestData.Scalars(scored, "Score").Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected, ScoreInFreshProcess(ml, model, data.Schema, Reviews.Labelled.Select(r => r.Text)));
    }

    [Fact]
    public void Multiclass_text_pipeline_with_a_transformer_teacher_reloads_in_a_fresh_process_with_identical_scores()
    {
        var ml = new MLContext(0);
        var raw = ml.Data.LoadFromEnumerable(Reviews.Topics.Select(r => new TopicRow { Text = r.Text, Topic = r.Topic }).ToList());
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label", "Topic").Fit(raw);
        var data = toKey.Transform(raw);
        using var teacher = Teacher.FromTextEncoder(ml, data, MiniLM.Encoder);
        // As in ML.NET's samples: the label mapped to keys once, outside the model that is saved and served.
        var model = ml.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(ml.Transforms.TeacherScore(teacher))
            .Append(ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
            {
                Student = new MlpStudent { HiddenLayers = [] }, SparseFeatures = true, NumberOfEpochs = 60, LearningRate = 1e-2f, Seed = 4,
                AutomaticEarlyStopping = false,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        var scored = model.Transform(data);
        var predicted = scored.GetColumn<string>("PredictedLabel").ToArray();
        Assert.True(predicted.Zip(Reviews.Topics).Count(p => p.First == p.Second.Topic) >= Reviews.Topics.Length * 0.8, string.Join(", ", predicted));
        var expected = TestData.Column(scored, "Score").Select(v => string.Join(" ", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))).ToArray();
        Assert.Equal(expected, ScoreInFreshProcess(ml, model, data.Schema, Reviews.Topics.Select(r => r.Text)));
    }

    /// <summary>Saves <paramref name="model"/> and scores <paramref name="texts"/> with it in another process (TrainingChild --score).</summary>
    private static string[] ScoreInFreshProcess(MLContext ml, ITransformer model, DataViewSchema schema, IEnumerable<string> texts)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"text-model-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string modelPath = Path.Combine(folder, "model.zip"), textsPath = Path.Combine(folder, "texts.txt"), output = Path.Combine(folder, "scores.txt");
            ml.Model.Save(model, schema, modelPath);
            File.WriteAllLines(textsPath, texts);
            var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "MLNet.Distillation.TrainingChild.dll"), ScoreSavedModel.Flag, modelPath, textsPath, output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var child = Process.Start(info)!;
            string errors = child.StandardError.ReadToEnd();
            child.WaitForExit();
            Assert.True(child.ExitCode == 0, errors);
            return File.ReadAllLines(output);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
