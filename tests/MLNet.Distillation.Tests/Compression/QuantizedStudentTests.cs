using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Distillation.Runtime;
using MLNet.Distillation.Tests.Support;
using Xunit.Abstractions;

namespace MLNet.Distillation.Tests.Compression;

/// <summary>
/// Quantized students of each task on real tables: saved and reloaded through ML.NET they score exactly as ONNX Runtime
/// runs the same quantized bytes, and they stay within <see cref="QuantizationErrorBound"/> of the float student.
/// </summary>
public sealed class QuantizedStudentTests(ITestOutputHelper output)
{
    public enum Mode { Dynamic, Static }

    private static StudentTransformer Quantize(MLContext ml, StudentTransformer student, IDataView data, Mode mode, bool perChannel = true)
        => mode == Mode.Dynamic ? ml.Distillation.Quantize(student, new QuantizationOptions { PerChannel = perChannel })
            : ml.Distillation.Quantize(student, data, new QuantizationOptions { PerChannel = perChannel });

    /// <summary>Saves <paramref name="model"/> to a .zip and loads it back with <c>ml.Distillation.LoadModel</c>.</summary>
    private static ITransformer RoundTrip(MLContext ml, ITransformer model, IDataView data)
    {
        var path = Path.Combine(Path.GetTempPath(), $"quantized-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Distillation.SaveStudent(model, data.Schema, path);
            return ml.Distillation.LoadModel(path, out _);
        }
        finally { File.Delete(path); }
    }

    /// <summary>ONNX Runtime's <c>Score</c> for each row, one [1, F] run at a time (as ML.NET scores), on the single-row bytes.</summary>
    private static float[][] OnnxRuntimeScores(byte[] onnx, float[][] rows)
    {
        using var session = new InferenceSession(onnx);
        string input = session.InputMetadata.Keys.Single();
        return rows.Select(row =>
        {
            using var value = OrtValue.CreateTensorValueFromMemory(row, [1, row.Length]);
            using var outputs = session.Run(new RunOptions(), [input], [value], ["Score"]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }).ToArray();
    }

    private static float[][] Scores(IDataView scored, DistillationTask task)
        => task == DistillationTask.MulticlassClassification ? TestData.Column(scored, "Score")
            : TestData.Scalars(scored, "Score").Select(v => new[] { v }).ToArray();

    private static (StudentTransformer Student, IDataView Data) Train(MLContext ml, DistillationTask task) => task switch
    {
        DistillationTask.MulticlassClassification => Fit(ml, TestData.KeyedDigits(ml, 300),
            d => ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 10, seed: 1).Fit(d)),
        DistillationTask.BinaryClassification => Fit(ml, TestData.BreastCancer(ml),
            d => ml.BinaryClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 20, seed: 1).Fit(d)),
        _ => Fit(ml, TestData.Concrete(ml), d => ml.Regression.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 20, seed: 1).Fit(d)),
    };

    private static (StudentTransformer, IDataView) Fit(MLContext ml, IDataView data, Func<IDataView, StudentTransformer> fit) => (fit(data), data);

    [Theory]
    [InlineData(DistillationTask.MulticlassClassification, Mode.Dynamic)]
    [InlineData(DistillationTask.MulticlassClassification, Mode.Static)]
    [InlineData(DistillationTask.BinaryClassification, Mode.Dynamic)]
    [InlineData(DistillationTask.BinaryClassification, Mode.Static)]
    [InlineData(DistillationTask.Regression, Mode.Dynamic)]
    [InlineData(DistillationTask.Regression, Mode.Static)]
    public void Reloaded_quantized_students_equal_onnx_runtime_and_stay_within_the_quantization_bound_of_the_float_student(DistillationTask task, Mode mode)
    {
        var ml = new MLContext(0);
        var (student, data) = Train(ml, task);
        var quantized = Quantize(ml, student, data, mode);
        var rows = TestData.Column(data, "Features");

        var loaded = RoundTrip(ml, quantized, data);
        var mlnet = Scores(loaded.Transform(data), task);
        var ort = OnnxRuntimeScores(quantized.ToOnnx(OnnxLayout.SingleRow), rows);
        for (int r = 0; r < rows.Length; r++)
            for (int k = 0; k < ort[r].Length; k++)
                Assert.True(Math.Abs(mlnet[r][k] - ort[r][k]) <= 1e-6 * Math.Max(1, Math.Abs(ort[r][k])), $"row {r} output {k}: ML.NET {mlnet[r][k]}, ONNX Runtime {ort[r][k]}");

        var floats = Scores(student.Transform(data), task);
        var layers = QuantizationErrorBound.AsQuantized(student.Model);
        var scales = mode == Mode.Static ? QuantizationErrorBound.CalibratedInputScales(layers, rows) : null;
        // Softmax moves a probability by at most half the largest logit error; binary Score and regression are the logit/prediction itself.
        double factor = task == DistillationTask.MulticlassClassification ? 0.5 : 1;
        double worstShare = 0, largest = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            double bound = factor * QuantizationErrorBound.OnLogits(layers, rows[r], perChannel: true, scales).Max() + 1e-6;
            for (int k = 0; k < floats[r].Length; k++)
            {
                double error = Math.Abs(mlnet[r][k] - floats[r][k]);
                Assert.True(error <= bound, $"row {r} output {k}: float {floats[r][k]}, int8 {mlnet[r][k]}, bound {bound}");
                worstShare = Math.Max(worstShare, error / bound);
                largest = Math.Max(largest, error);
            }
        }
        Assert.True(largest > 0, "The quantized student scores exactly as the float one: nothing was quantized.");
        output.WriteLine($"{task} {mode}: largest |int8 − float| {largest:g3}, at most {worstShare:P1} of its row's bound");
        Assert.Contains($"int8 {mode.ToString().ToLowerInvariant()}", quantized.Architecture);
        Assert.Equal(student.Architecture, student.Model.Architecture); // the float student is untouched
    }

    [Fact]
    public void Quantized_onnx_is_smaller_and_a_pipeline_with_a_teacher_stage_quantizes_its_student()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 200);
        var teacher = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 3, seed: 2).Fit(data);
        var pipeline = ml.Transforms.TeacherScore(Teacher.FromStudent(teacher))
            .Append(ml.MulticlassClassification.Trainers.Distillation(numberOfEpochs: 3, seed: 1)).Fit(data);
        var quantized = ml.Distillation.Quantize(pipeline, data);
        var student = (StudentTransformer)((IEnumerable<ITransformer>)pipeline).Last();
        // 64·64 + 64·10 weights: 4 bytes each as float, 1 as int8 (plus per-channel scales, int32 biases and the unfolded standardisation).
        output.WriteLine($"float {student.ToOnnx().Length} bytes, int8 {quantized.ToOnnx().Length} bytes");
        Assert.InRange(quantized.ToOnnx().Length, 0, student.ToOnnx().Length / 2);
        var labels = TestData.Keys(quantized.Transform(data), "PredictedLabel");
        var floatLabels = TestData.Keys(student.Transform(data), "PredictedLabel");
        Assert.True(labels.Zip(floatLabels).Count(p => p.First == p.Second) >= 0.95 * labels.Length, "int8 and float students disagree on more than 5 % of rows");
    }

    [Theory]
    [InlineData(Mode.Dynamic)]
    [InlineData(Mode.Static)]
    public void A_quantized_cnn_reloads_and_equals_onnx_runtime(Mode mode)
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var student = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 8, Seed = 1,
            Student = new CnnStudent { InputShape = [1, 8, 8], ConvChannels = [4, 8], DenseLayers = [16] },
        }).Fit(data);
        // The convolutions are quantized too (ConvInteger / QDQ Conv), and the student still predicts like the float one.
        QuantizedConvolutionsMatchOnnxRuntimeAndTheFloatStudent(ml, student, data, mode);
    }

    /// <summary>
    /// A ten-class student with convolutions, quantized: the reloaded ML.NET model equals ONNX Runtime on the same bytes,
    /// the graph holds integer convolutions, and at least 90 % of the rows get the float student's label. Returns the graph.
    /// </summary>
    private static MLNet.Distillation.Onnx.Proto.GraphProto QuantizedConvolutionsMatchOnnxRuntimeAndTheFloatStudent(MLContext ml, StudentTransformer student, IDataView data, Mode mode)
    {
        var quantized = Quantize(ml, student, data, mode);
        var rows = TestData.Column(data, "Features");
        var mlnet = TestData.Column(RoundTrip(ml, quantized, data).Transform(data), "Score");
        var ort = OnnxRuntimeScores(quantized.ToOnnx(OnnxLayout.SingleRow), rows);
        for (int r = 0; r < rows.Length; r++)
            for (int k = 0; k < 10; k++)
                Assert.True(Math.Abs(mlnet[r][k] - ort[r][k]) <= 1e-6, $"row {r} class {k}: ML.NET {mlnet[r][k]}, ONNX Runtime {ort[r][k]}");
        var graph = MLNet.Distillation.Onnx.Proto.ModelProto.Parser.ParseFrom(quantized.ToOnnx()).Graph;
        Assert.Contains(graph.Node, n => n.OpType == (mode == Mode.Dynamic ? "ConvInteger" : "QuantizeLinear"));
        var floatLabels = TestData.Keys(student.Transform(data), "PredictedLabel");
        var labels = TestData.Keys(quantized.Transform(data), "PredictedLabel");
        Assert.True(labels.Zip(floatLabels).Count(p => p.First == p.Second) >= 0.9 * labels.Length, "int8 and float students disagree on more than 10 % of rows");
        return graph;
    }

    [Theory]
    [InlineData(Mode.Dynamic)]
    [InlineData(Mode.Static)]
    public void A_custom_student_quantizes_its_layers_and_keeps_the_others_float(Mode mode)
    {
        // Conv2d + BatchNorm (folded), ReLU, AvgPool2d, Flatten, Linear, Tanh, Linear: the Conv2d and Linears become int8;
        // average pooling and Tanh stay float between them.
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var student = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 8, Seed = 1,
            Student = new TorchSharpStudent((inputs, classes) => TorchSharp.torch.nn.Sequential(
                TorchSharp.torch.nn.Conv2d(1, 4, 3, padding: 1), TorchSharp.torch.nn.BatchNorm2d(4), TorchSharp.torch.nn.ReLU(), TorchSharp.torch.nn.AvgPool2d(2),
                TorchSharp.torch.nn.Flatten(), TorchSharp.torch.nn.Linear(4 * 4 * 4, 16), TorchSharp.torch.nn.Tanh(), TorchSharp.torch.nn.Linear(16, classes)))
            { InputShape = [1, 8, 8] },
        }).Fit(data);
        var graph = QuantizedConvolutionsMatchOnnxRuntimeAndTheFloatStudent(ml, student, data, mode);
        Assert.Contains(graph.Node, n => n.OpType == "Tanh");
        Assert.Contains(graph.Node, n => n.OpType == "AveragePool");
    }

    [Fact]
    public void A_custom_students_strided_convolution_is_refused_before_calibration_naming_its_window()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var student = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 1, Seed = 1,
            Student = new TorchSharpStudent((inputs, classes) => TorchSharp.torch.nn.Sequential(TorchSharp.torch.nn.Conv2d(1, 4, 3, stride: 2), TorchSharp.torch.nn.ReLU(),
                TorchSharp.torch.nn.Flatten(), TorchSharp.torch.nn.Linear(4 * 3 * 3, classes)))
            { InputShape = [1, 8, 8] },
        }).Fit(data);
        foreach (var attempt in new Func<StudentTransformer>[] { () => ml.Distillation.Quantize(student), () => ml.Distillation.Quantize(student, data) })
        {
            var refused = Assert.Throws<ArgumentException>(attempt);
            Assert.Contains("stride", refused.Message);
            Assert.Contains("not supported", refused.Message);
        }
    }

    [Fact]
    public void Static_quantization_scores_a_batch_as_it_scores_rows_one_at_a_time()
    {
        // Static ranges are fixed, so a row's output must not depend on the rows batched with it.
        var ml = new MLContext(0);
        var (student, data) = Train(ml, DistillationTask.BinaryClassification);
        var quantized = ml.Distillation.Quantize(student, data);
        var rows = TestData.Column(data, "Features");
        var single = OnnxRuntimeScores(quantized.ToOnnx(OnnxLayout.SingleRow), rows);
        using var session = new InferenceSession(quantized.ToOnnx());
        using var input = OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        using var outputs = session.Run(new RunOptions(), ["Features"], [input], ["Score"]);
        var batch = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        for (int r = 0; r < rows.Length; r++)
            Assert.True(Math.Abs(batch[r] - single[r][0]) <= 1e-6 * Math.Max(1, Math.Abs(batch[r])), $"row {r}: batch {batch[r]}, single {single[r][0]}");
    }

    [Fact]
    public void Quantized_models_pass_the_onnx_checker()
    {
        if (!OnnxChecker.Available())
            return;
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var mlp = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1, seed: 1).Fit(data);
        var cnn = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null, NumberOfEpochs = 1, Seed = 1,
            Student = new CnnStudent { InputShape = [1, 8, 8], ConvChannels = [2], DenseLayers = [5] },
        }).Fit(data);
        foreach (var student in new[] { mlp, cnn })
            foreach (var quantized in new[] { ml.Distillation.Quantize(student), ml.Distillation.Quantize(student, data, new QuantizationOptions { PerChannel = false }) })
                foreach (var layout in new[] { OnnxLayout.Batch, OnnxLayout.SingleRow })
                    OnnxChecker.Check(quantized.ToOnnx(layout), $"{quantized.Architecture} {layout}");
    }

    [Fact]
    public void Mlp_student_predictor_refuses_a_quantized_graph_by_name()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var student = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1, seed: 1).Fit(data);
        Assert.Contains("int8-quantized", Assert.Throws<InvalidDataException>(() => MlpStudentPredictor.FromOnnx(ml.Distillation.Quantize(student).ToOnnx())).Message);
        Assert.Contains("int8-quantized", Assert.Throws<InvalidDataException>(() => MlpStudentPredictor.FromOnnx(ml.Distillation.Quantize(student, data).ToOnnx())).Message);
        _ = MlpStudentPredictor.FromOnnx(student.ToOnnx()); // the float student's file still reads
    }

    [Fact]
    public void Bad_input_is_refused_naming_what_is_wrong()
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 100);
        var student = ml.MulticlassClassification.Trainers.Distillation(teacherColumnName: null, numberOfEpochs: 1, seed: 1).Fit(data);
        var renamed = ml.Transforms.CopyColumns("Pixels", "Features").Append(ml.Transforms.DropColumns("Features")).Fit(data).Transform(data);
        var normalizer = ml.Transforms.NormalizeMinMax("Features").Fit(data);
        foreach (var bad in new[]
        {
            BadInputCase.Of<ArgumentException>(() => ml.Distillation.Quantize(student, renamed), "calibration data", "'Features'", "Pixels"),
            BadInputCase.Of<ArgumentException>(() => ml.Distillation.Quantize(student, ml.Data.SkipRows(data, 1000)), "no rows", "dynamic"),
            BadInputCase.Of<ArgumentException>(() => ml.Distillation.Quantize(normalizer), "no distilled student"),
            BadInputCase.Of<ArgumentException>(() => ml.Distillation.Quantize(ml.Distillation.Quantize(student)), "already quantized"),
            BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.Distillation.Quantize(student, data, new QuantizationOptions { CalibrationPercentile = 40 }), "CalibrationPercentile"),
            BadInputCase.Of<ArgumentOutOfRangeException>(() => ml.Distillation.Quantize(student, data, new QuantizationOptions { MaximumCalibrationRows = 0 }), "MaximumCalibrationRows"),
        })
            bad.Check();
    }
}
