using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Model;

/// <summary>
/// The catalogue of bad model files and bad prediction inputs: damaged .zip files, unwritable targets, temporaries left by
/// a killed process, and rows of the wrong shape at prediction time. Errors name the file or column, never a temporary.
/// </summary>
public sealed class BadModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("model-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly Lazy<(StudentTransformer Student, DataViewSchema Schema)> Trained = new(() =>
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        return (ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 2, seed: 1).Fit(data), data.Schema);
    });

    private string SavedCopy(Func<byte[], byte[]> damage)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.zip");
        new MLContext(0).Distillation.SaveStudent(Trained.Value.Student, Trained.Value.Schema, path);
        File.WriteAllBytes(path, damage(File.ReadAllBytes(path)));
        return path;
    }

    private Dictionary<string, Func<MLContext, BadInputCase>> Cases => new()
    {
        ["missing model file"] = ml => BadInputCase.Of<FileNotFoundException>(() => ml.Distillation.LoadModel(Path.Combine(_folder, "absent.zip"), out _), "absent.zip"),
        ["truncated model file"] = ml => BadInputCase.Of<InvalidDataException>(() => ml.Distillation.LoadModel(SavedCopy(b => b[..(b.Length / 2)]), out _), _folder, "could not be loaded"),
        ["model file that is not a zip"] = ml => BadInputCase.Of<InvalidDataException>(() => StudentModelLoader.Load(ml, SavedCopy(_ => "plain text"u8.ToArray()), out _), _folder, "whole ML.NET model"),
        ["model saved by another version of the library"] = ml => BadInputCase.Of<InvalidDataException>(() => ml.Distillation.LoadModel(SavedCopy(AsIfSavedByVersion9), out _),
            _folder, "MLNet.Distillation.ScoreArgMax.v2", "MLNet.Distillation.ScoreArgMax.v1", "9.9.0.0", ThisVersion),
        ["saving into a missing folder"] = ml => BadInputCase.Of<DirectoryNotFoundException>(() => ml.Distillation.SaveStudent(Trained.Value.Student, Trained.Value.Schema, Path.Combine(_folder, "absent", "s.zip")), "absent"),
        ["saving over a folder"] = ml => BadInputCase.Of<IOException>(() => ml.Distillation.SaveStudent(Trained.Value.Student, Trained.Value.Schema, Directory.CreateDirectory(Path.Combine(_folder, "a-folder")).FullName),
            "Could not write", "a-folder"),
        ["ONNX into a missing folder"] = _ => BadInputCase.Of<DirectoryNotFoundException>(() => Trained.Value.Student.SaveOnnx(Path.Combine(_folder, "absent", "s.onnx")), "absent"),
        ["prediction rows of the wrong size"] = ml => BadInputCase.Of<ArgumentException>(() => ml.Model.CreatePredictionEngine<WideRow, Prediction>(Trained.Value.Student), "'Features'", "64"),
        ["prediction without the feature column"] = ml => BadInputCase.Of<ArgumentException>(() => Trained.Value.Student.Transform(ml.Data.LoadFromEnumerable(new[] { new OtherRow() })), "'Features'", "not found"),
        ["a teacher stage's column read row by row"] = ml => BadInputCase.Of<NotSupportedException>(() => TeacherColumnRowByRow(ml), "'TeacherLogits'", "model.Student()"),
    };

    public static TheoryData<string> Names => new(["missing model file", "truncated model file", "model file that is not a zip", "model saved by another version of the library", "saving into a missing folder", "saving over a folder",
        "ONNX into a missing folder", "prediction rows of the wrong size", "prediction without the feature column", "a teacher stage's column read row by row"]);

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_model_files_and_prediction_inputs_are_refused_naming_them(string name) => Cases[name](new MLContext(0)).Check();

    [Fact]
    public void Temporaries_of_a_killed_writer_are_removed_and_a_live_writers_are_kept()
    {
        var path = Path.Combine(_folder, "student.zip");
        // A process that exited, as a kill -9 during a save leaves it; and this process, as if still writing.
        using var exited = Process.Start(new ProcessStartInfo("true"))!;
        exited.WaitForExit();
        var stale = Path.Combine(_folder, $".student.zip.{exited.Id}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(_folder, $".student.zip.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half a model");
        File.WriteAllText(live, "being written");
        new MLContext(0).Distillation.SaveStudent(Trained.Value.Student, Trained.Value.Schema, path);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(path));
    }

    private static readonly string ThisVersion = typeof(StudentModelLoader).Assembly.GetName().Version!.ToString();

    /// <summary>
    /// A saved student as a later release would write it: its arg-max stage under the next contract version
    /// (<c>...ScoreArgMax.v2</c>) and the runtime assembly that saved it numbered 9.9.0.0. ML.NET stores both names as UTF-16
    /// strings in the stage's Model.key entry; each is replaced by one of the same length.
    /// </summary>
    private static byte[] AsIfSavedByVersion9(byte[] zip)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            foreach (var entry in archive.Entries.Where(e => e.Name == "Model.key").ToArray())
            {
                byte[] bytes;
                using (var read = entry.Open())
                using (var copy = new MemoryStream()) { read.CopyTo(copy); bytes = copy.ToArray(); }
                var text = System.Text.Encoding.Unicode;
                var replaced = Replace(Replace(bytes, text.GetBytes(PredictedLabelMapping.ContractName), text.GetBytes("MLNet.Distillation.ScoreArgMax.v2")),
                    text.GetBytes($"Version={ThisVersion}"), text.GetBytes("Version=9.9.0.0"));
                using var write = entry.Open();
                write.SetLength(0);
                write.Write(replaced);
            }
        }
        return stream.ToArray();
    }

    private static byte[] Replace(byte[] bytes, byte[] find, byte[] with)
    {
        Assert.Equal(find.Length, with.Length);
        var result = bytes.ToArray();
        for (int i = 0; i + find.Length <= result.Length; i++)
            if (result.AsSpan(i, find.Length).SequenceEqual(find))
                with.CopyTo(result, i);
        return result;
    }

    private static void TeacherColumnRowByRow(MLContext ml)
    {
        var data = TestData.KeyedDigits(ml, 60);
        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "logits" });
        var model = ml.Transforms.TeacherScore(teacher).Fit(data);
        ml.Model.CreatePredictionEngine<DigitRow, TeacherOutput>(model).Predict(new DigitRow { Features = new float[64] });
    }

    private sealed class WideRow
    {
        [VectorType(65)] public float[] Features { get; set; } = [];
    }

    private sealed class OtherRow
    {
        public float Other { get; set; }
    }

    private sealed class DigitRow
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
    }

    private sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
    }

    private sealed class TeacherOutput
    {
        public float[] TeacherLogits { get; set; } = [];
    }
}
