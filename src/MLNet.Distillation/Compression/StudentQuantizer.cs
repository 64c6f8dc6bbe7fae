using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Makes the int8 version of a fitted student: finds the <see cref="StudentTransformer"/> in the model, quantizes its
/// layers (<see cref="QuantizationPlan"/>; static: with ranges from <see cref="ActivationCalibration"/> on calibration
/// rows), and rebuilds its ONNX scoring stage, keeping the mapping stages, so the result writes the same columns.
/// </summary>
internal static class StudentQuantizer
{
    public static StudentTransformer Quantize(ITransformer model, IDataView? calibrationData, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (student, before) = FindStudent(model);
        var floatModel = student.Model;
        if (floatModel.Layers.Any(l => l is QuantizedDenseLayer or QuantizedConv2dLayer or QuantizeDequantizeLayer))
            throw new ArgumentException($"The student ({student.Architecture}) is already quantized.", nameof(model));
        if (floatModel.SparsePairs is not null)
            throw new ArgumentException($"The student ({student.Architecture}) reads sparse features; int8 quantization handles students over dense rows only.", nameof(model));

        // The standardisation folded into the first layer comes out again and stays float, so the first layer's int8
        // inputs are standardised columns: folded, a raw column in the thousands would set the step for one in hundredths.
        var floatLayers = floatModel.FoldedInputs is { } folded ? LayerFolding.Unfold(floatModel.Layers, folded) : floatModel.Layers;
        List<StudentLayer> layers;
        string mode = calibrationData is null ? "dynamic" : "static";
        // Static: a first pass finds which activations the plan quantizes; then they are measured, then planned with the
        // measured ranges. Either first plan refuses a layer int8 cannot take (a custom student's strided or grouped
        // convolution) before any calibration row is read.
        var points = new SortedSet<int>();
        try
        {
            layers = QuantizationPlan.Build(floatLayers, options.PerChannel,
                calibrationData is null ? null : j => { points.Add(j); return new AffineUInt8(1f, 0); });
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException($"{e.Message} The student is {student.Architecture}.", nameof(model), e);
        }
        if (calibrationData is not null)
        {
            var rows = CalibrationRows(
                before.Count == 0 ? calibrationData : new TransformerChain<ITransformer>([.. before]).Transform(calibrationData),
                floatModel, options.MaximumCalibrationRows);
            var ranges = ActivationCalibration.Measure(floatLayers, rows, points, options.CalibrationPercentile);
            layers = QuantizationPlan.Build(floatLayers, options.PerChannel, j => AffineUInt8.FromRange(ranges[j].Min, ranges[j].Max));
        }
        var quantized = floatModel with
        {
            Layers = layers,
            FoldedInputs = null,
            Architecture = $"{floatModel.Architecture} int8 {mode}{(options.PerChannel ? " per-channel" : "")}",
        };
        var pipeline = StudentPipelineFactory.ReplaceNetwork(student.Pipeline, quantized, student.ParameterCount);
        return new StudentTransformer(quantized, pipeline, student.ParameterCount, student.TrainingHistory, student.BestEpoch, student.Profile);
    }

    /// <summary>The one student in <paramref name="model"/>, and the non-teacher stages before it (they prepare its input).</summary>
    private static (StudentTransformer Student, List<ITransformer> Before) FindStudent(ITransformer model)
    {
        var stages = new List<ITransformer>();
        void Flatten(ITransformer t)
        {
            if (t is not StudentTransformer && t is IEnumerable<ITransformer> chain)
                foreach (var inner in chain) Flatten(inner);
            else
                stages.Add(t);
        }
        Flatten(model);
        var students = stages.Select((t, i) => (t, i)).Where(p => p.t is StudentTransformer).ToList();
        if (students.Count != 1)
            throw new ArgumentException(students.Count == 0
                ? $"The model ({model.GetType().Name}) contains no distilled student to quantize. Pass the fitted student or the pipeline that holds it " +
                  "(a model loaded from a .zip is a plain ML.NET chain: quantize before saving, then save the quantized student)."
                : $"The model contains {students.Count} students; pass the one to quantize.", nameof(model));
        var before = stages.Take(students[0].i).Where(t => t is not TeacherScoringTransformer).ToList();
        return ((StudentTransformer)students[0].t, before);
    }

    /// <summary>The feature vectors of the first <paramref name="maximum"/> rows, checked against what the student reads.</summary>
    private static IEnumerable<float[]> CalibrationRows(IDataView data, StudentModel model, int maximum)
    {
        var column = data.Schema.GetColumnOrNull(model.FeatureColumnName)
            ?? throw new ArgumentException($"The calibration data has no feature column '{model.FeatureColumnName}' (the student reads it). " +
                $"Its columns: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}.", "calibrationData");
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single
            || size != model.InputSize)
            throw new ArgumentException($"Calibration column '{model.FeatureColumnName}' must be a vector of {model.InputSize} Single values, but is {column.Type}.", "calibrationData");
        var rows = new List<float[]>();
        using (var cursor = data.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            while (rows.Count < maximum && cursor.MoveNext())
            {
                getter(ref value);
                rows.Add(value.DenseValues().ToArray());
            }
        }
        if (rows.Count == 0)
            throw new ArgumentException($"The calibration data has no rows: static quantization measures the activations on them. Pass some training rows, or quantize without calibration data (dynamic).", "calibrationData");
        return rows;
    }
}
