using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>GetOutputSchema (on a shape) and Fit (on the data) run one column check, so they accept and refuse the same inputs.</summary>
public sealed class TrainingColumnsTests
{
    private static DistillationMulticlassTrainer.Options Quick(float alpha = 0.1f, string? teacher = DefaultColumnNames.TeacherLogits) => new()
    {
        TeacherColumnName = teacher,
        Alpha = alpha,
        Student = new MlpStudent { HiddenLayers = [8] },
        NumberOfEpochs = 2,
        Seed = 1,
    };

    private static SchemaShape Shape(IDataView data) => SchemaShapes.FromSchema(data.Schema);

    [Fact]
    public void Alpha_one_needs_no_teacher_column_in_either_check()
    {
        var ml = new MLContext(0);
        var keyed = TestData.KeyedDigits(ml, 60); // no TeacherLogits column
        var trainer = ml.MulticlassClassification.Trainers.Distillation(Quick(alpha: 1f));
        Assert.Equal("1·ce", trainer.LossRecipeDescription);
        var shape = trainer.GetOutputSchema(Shape(keyed));
        Assert.Contains(shape, c => c.Name == DefaultColumnNames.PredictedLabel);
        var student = trainer.Fit(keyed);
        Assert.Equal(["ce"], student.TrainingHistory[0].LossTerms.Keys);
    }

    public static TheoryData<string> BadInputs => ["no features", "scalar features", "text label", "no label", "no teacher", "teacher of text", "double features"];

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Shape_and_data_checks_refuse_the_same_inputs_with_the_same_message(string fault)
    {
        var ml = new MLContext(0);
        var keyed = TestData.KeyedDigits(ml, 30);
        IDataView data = fault switch
        {
            "no features" => ml.Transforms.DropColumns("Features").Fit(keyed).Transform(keyed),
            "scalar features" => ml.Transforms.CopyColumns("Features", "Label").Fit(keyed).Transform(keyed),
            "text label" => TestData.Digits(ml, 30),
            "no label" => ml.Transforms.DropColumns("Label").Fit(keyed).Transform(keyed),
            "no teacher" => keyed,
            "teacher of text" => ml.Transforms.Conversion.MapKeyToValue("TeacherLogits", "Label").Fit(keyed).Transform(keyed),
            "double features" => ml.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Double).Fit(keyed).Transform(keyed),
            _ => throw new ArgumentException(fault),
        };
        var trainer = ml.MulticlassClassification.Trainers.Distillation(Quick());
        var fromShape = Assert.ThrowsAny<ArgumentException>(() => trainer.GetOutputSchema(Shape(data)));
        var fromData = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data));
        Assert.Equal(FirstSentence(fromShape.Message), FirstSentence(fromData.Message));
        Assert.Matches("'(Features|Label|TeacherLogits)'", fromData.Message);
    }

    // The shape cannot know sizes and key counts, so the data's message may add them after the first sentence; the verdict is the same.
    private static string FirstSentence(string message) => message.Split(" but is ")[0].Split(" (columns:")[0];



    [Fact]
    public void Teacher_of_the_wrong_width_is_refused_at_fit_naming_both_sizes()
    {
        var ml = new MLContext(0);
        var keyed = TestData.KeyedDigits(ml, 30);
        var wide = ml.Transforms.Concatenate("TeacherLogits", "Features").Fit(keyed).Transform(keyed);
        var trainer = ml.MulticlassClassification.Trainers.Distillation(Quick());
        trainer.GetOutputSchema(Shape(wide)); // a shape has no sizes: nothing to object to yet
        var error = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(wide));
        Assert.Contains("'TeacherLogits'", error.Message);
        Assert.Contains("10 Single values per row", error.Message);
        Assert.Contains("64", error.Message);
    }

    [Fact]
    public void MapKeyToValue_can_follow_the_trainer_in_one_pipeline()
    {
        var ml = new MLContext(0);
        var digits = TestData.Digits(ml, 120);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Distillation(Quick(teacher: null)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var scored = pipeline.Fit(digits).Transform(digits);
        Assert.Equal(TextDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        var labels = ml.Data.CreateEnumerable<TextPrediction>(scored, reuseRowObject: false).Select(r => r.PredictedLabel).ToArray();
        Assert.All(labels, l => Assert.Contains(l, Enumerable.Range(0, 10).Select(d => d.ToString())));
    }

    [Fact]
    public void Options_changed_after_the_trainer_is_built_do_not_apply()
    {
        var ml = new MLContext(0);
        var keyed = TestData.KeyedDigits(ml, 60);
        var options = Quick(teacher: null);
        var trainer = ml.MulticlassClassification.Trainers.Distillation(options);
        options.BatchSize = 0;          // would loop forever if it reached the trainer
        options.NumberOfEpochs = 7;
        ((MlpStudent)options.Student).HiddenLayers = [3];
        var student = trainer.Fit(keyed);
        Assert.Equal(2, student.TrainingHistory.Count);
        Assert.Equal("MLP 64-8-10", student.Architecture);
    }

    private sealed class TextPrediction
    {
        public string PredictedLabel { get; set; } = "";
    }
}
