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

    [Fact]
    public void The_same_model_saved_at_two_times_has_one_fingerprint()
    {
        // ML.NET saves a model as a zip, which records each entry's write time: the content must decide the fingerprint.
        var ml = new MLContext(0);
        var model = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 3, numberOfLeaves: 4).Fit(TestData.BreastCancer(ml));
        using var saved = new MemoryStream();
        ml.Model.Save(model, null, saved);
        using var later = new MemoryStream(saved.ToArray());
        using (var zip = new System.IO.Compression.ZipArchive(later, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
            foreach (var entry in zip.Entries)
                entry.LastWriteTime = entry.LastWriteTime.AddMinutes(7);
        saved.Position = later.Position = 0;
        Assert.NotEqual(saved.ToArray(), later.ToArray());
        Assert.Equal(TransformerTeacher.SavedContent(saved), TransformerTeacher.SavedContent(later));

        // Two teachers over one model, their fingerprints taken more than two seconds apart (the zip's time resolution).
        string first = Teacher.FromTransformer(model).Fingerprint();
        Thread.Sleep(2100);
        Assert.Equal(first, Teacher.FromTransformer(model).Fingerprint());
    }
}
