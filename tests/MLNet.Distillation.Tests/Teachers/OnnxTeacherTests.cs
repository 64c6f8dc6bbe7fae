using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Teachers;

public sealed class OnnxTeacherTests
{
    private static readonly OnnxTeacherOptions CnnOptions = new() { InputShape = [1, 8, 8], OnnxOutputName = "logits" };

    [Fact]
    public void Logits_equal_pytorch_reference_for_a_784_style_column_fed_as_images()
    {
        var ml = new MLContext(0);
        var (features, logits, _) = TinyCnnReference.Load();
        var data = TestData.Digits(ml, 24);
        Assert.Equal(features, TestData.Column(data, "Features")); // the fixture's rows are the test data's rows

        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, CnnOptions);
        var scored = ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data);
        var actual = TestData.Column(scored, DefaultColumnNames.TeacherLogits);

        for (int r = 0; r < logits.Length; r++)
            Tolerance.Close(logits[r].Select(v => (double)v).ToArray(), actual[r].Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"row {r} logit");
    }

    [Fact]
    public void Logits_equal_onnx_runtime_run_directly_and_batching_changes_nothing()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 300);
        var rows = TestData.Column(data, "Features");

        // ONNX Runtime's own answer, one plain session over all rows.
        using var session = new InferenceSession(TinyCnnReference.ModelPath);
        var input = rows.SelectMany(r => r).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(input, [rows.Length, 1, 8, 8]);
        using var outputs = session.Run(new RunOptions(), ["image"], [value], ["logits"]);
        var direct = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        foreach (int batch in new[] { 1, 7, 256, 1000 })
        {
            using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath, CnnOptions);
            var scored = ml.Transforms.TeacherScore(teacher, batchSize: batch).Fit(data).Transform(data);
            var actual = TestData.Column(scored, DefaultColumnNames.TeacherLogits).SelectMany(r => r).ToArray();
            Assert.Equal(direct.Length, actual.Length);
            for (int i = 0; i < direct.Length; i++)
                Assert.True(Math.Abs(direct[i] - actual[i]) <= 1e-5f, $"batch {batch}, value {i}: {direct[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void Probability_outputs_become_log_probabilities()
    {
        var ml = new MLContext(0);
        var (_, logits, probabilities) = TinyCnnReference.Load();
        var data = TestData.Digits(ml, 24);
        using var teacher = Teacher.FromOnnx(TinyCnnReference.ModelPath,
            new OnnxTeacherOptions { InputShape = [1, 8, 8], OnnxOutputName = "probabilities", OutputKind = TeacherOutputKind.Probabilities });
        var actual = TestData.Column(ml.Transforms.TeacherScore(teacher).Fit(data).Transform(data), DefaultColumnNames.TeacherLogits);
        for (int r = 0; r < probabilities.Length; r++)
        {
            Tolerance.Close(probabilities[r].Select(p => Math.Log(p)).ToArray(), actual[r].Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"row {r}");
            // log-probabilities differ from the logits by a per-row constant: same softmax.
            double shift = logits[r][0] - actual[r][0];
            Tolerance.Close(logits[r].Select(v => v - shift).ToArray(), actual[r].Select(v => (double)v).ToArray(), 1e-4, 0, $"row {r} shift");
        }
    }

    [Fact]
    public void Column_is_lazy_rows_never_read_are_never_scored()
    {
        var ml = new MLContext(0);
        var data = TestData.Digits(ml, 100);
        var counting = new CountingTeacher();
        var scored = ml.Transforms.TeacherScore(counting, batchSize: 10).Fit(data).Transform(data);

        using (var cursor = scored.GetRowCursor([scored.Schema["Features"]]))
            while (cursor.MoveNext()) { }
        Assert.Equal(0, counting.RowsScored);

        var column = scored.Schema[DefaultColumnNames.TeacherLogits];
        using (var cursor = scored.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            for (int row = 0; cursor.MoveNext(); row++)
                if (row == 55)
                    getter(ref value); // read one row only: one block of 10 from row 55 is scored
            Assert.Equal(55f, value.GetValues()[0]);
        }
        Assert.Equal(10, counting.RowsScored);
    }



    /// <summary>A teacher whose logit 0 is the row index, and which counts the rows it scores.</summary>
    internal sealed class CountingTeacher : Teacher
    {
        public int RowsScored;
        public override string Description => "counting teacher";
        internal override string Fingerprint() => "counting teacher v1";
        internal override long SerializedBytes(MLContext mlContext, DataViewSchema inputSchema) => 0;
        internal override long? ParameterCount() => null;

        internal override TeacherBinding Bind(DataViewSchema inputSchema) => new Binding(this);

        private sealed class Binding(CountingTeacher owner) : TeacherBinding
        {
            public override int ClassCount => 3;
            public override TeacherBlockReader CreateReader(IDataView input, IReadOnlyList<DataViewSchema.Column> fingerprintColumns)
            {
                var (cursor, fingerprint) = OpenCursor(input, [], fingerprintColumns);
                return new Reader(owner, cursor, fingerprint);
            }
        }

        private sealed class Reader(CountingTeacher owner, DataViewRowCursor cursor, RowFingerprint fingerprint) : TeacherBlockReader
        {
            private readonly ValueGetter<DataViewRowId> _id = cursor.GetIdGetter();

            public override int Read(int rows, Span<float> logits, Span<DataViewRowId> ids, Span<ulong> fingerprints)
            {
                int read = 0;
                while (read < rows && cursor.MoveNext())
                {
                    _id(ref ids[read]);
                    fingerprints[read] = fingerprint.Current();
                    logits[read * 3] = cursor.Position;
                    read++;
                }
                owner.RowsScored += read;
                return read;
            }

            public override bool Skip(long rows) => SkipRows(cursor, rows);

            public override void Dispose() => cursor.Dispose();
        }
    }
}
