using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers;

public sealed class TransformerTeacherTests
{
    [Fact]
    public void A_fasttree_model_loaded_from_zip_teaches_its_log_probabilities_with_class_names()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var model = ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 5, numberOfLeaves: 4)).Fit(data);
        var zip = Path.Combine(Path.GetTempPath(), $"teacher-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, zip);
        try
        {
            using var teacher = Teacher.FromMLNetModel(ml, zip);
            var scored = ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data);
            var logits = TestData.Column(scored, DefaultColumnNames.TeacherLogits);
            var probabilities = TestData.Column(model.Transform(data), "Score");
            for (int r = 0; r < logits.Length; r++)
                Tolerance.Close(probabilities[r].Select(p => Math.Log(Math.Max(p, 1e-12))).ToArray(), logits[r].Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"row {r}");

            var column = scored.Schema[DefaultColumnNames.TeacherLogits];
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.GetSlotNames(ref names);
            Assert.Equal(Enumerable.Range(0, 10).Select(d => d.ToString()).Order(), names.DenseValues().Select(n => n.ToString()).Order());
        }
        finally { File.Delete(zip); }
    }

}
