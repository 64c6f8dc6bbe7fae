using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// Measures models on one evaluation set: reads the labels (and with them the task) from the student's output, each
/// model's predictions, then metrics, agreement, calibration, per-class accuracy, sizes and interleaved speed.
/// </summary>
internal sealed class DistillationEvaluator
{
    private readonly MLContext _mlContext;
    private readonly IDataView _input;
    private readonly IDataView _data;
    private readonly EvaluationOptions _options;

    public DistillationEvaluator(MLContext mlContext, IDataView data, EvaluationOptions options)
    {
        Check(options);
        _mlContext = mlContext;
        _input = data;
        _options = options;
        // Every model reads the rows several times (predictions, latency, throughput passes): read the source once.
        _data = mlContext.Data.Cache(data);
    }

    private static void Check(EvaluationOptions options)
    {
        if (string.IsNullOrEmpty(options.LabelColumnName))
            throw new ArgumentException($"{nameof(EvaluationOptions)}.{nameof(EvaluationOptions.LabelColumnName)} is empty.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.TeacherName) || string.IsNullOrWhiteSpace(options.StudentName))
            throw new ArgumentException($"{nameof(EvaluationOptions)}.{nameof(EvaluationOptions.TeacherName)} and {nameof(EvaluationOptions.StudentName)} must not be empty.", nameof(options));
        if (options.TeacherName == options.StudentName)
            throw new ArgumentException($"{nameof(EvaluationOptions)}: teacher and student are both named '{options.TeacherName}'; reports need two names.", nameof(options));
        if (options.CalibrationBins < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.CalibrationBins, $"{nameof(EvaluationOptions)}.{nameof(EvaluationOptions.CalibrationBins)} must be at least 1.");
        if (options.LatencyCalls < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.LatencyCalls, $"{nameof(EvaluationOptions)}.{nameof(EvaluationOptions.LatencyCalls)} must be at least 1 (set MeasureSpeed = false to skip timing).");
        if (options.LatencyWarmupCalls < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.LatencyWarmupCalls, $"{nameof(EvaluationOptions)}.{nameof(EvaluationOptions.LatencyWarmupCalls)} must not be negative.");
        if (options.ThroughputRows < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ThroughputRows, $"{nameof(EvaluationOptions)}.{nameof(EvaluationOptions.ThroughputRows)} must be at least 1.");
    }

    public DistillationEvaluation Compare(ScoredModel teacher, ScoredModel student)
    {
        string teacherName = $"teacher '{_options.TeacherName}'", studentName = $"student '{_options.StudentName}'";
        var studentScored = Score(student, studentName);
        var labels = ReadLabels(studentScored);
        var teacherScored = Score(teacher, teacherName);
        student.CheckClassOrder(studentScored, labels, studentName);
        teacher.CheckClassOrder(teacherScored, labels, teacherName);
        var teacherOutputs = teacher.Read(teacherScored, labels, teacherName);
        var studentOutputs = student.Read(studentScored, labels, studentName);
        var speed = Speed(labels, [teacher, student]);
        return new DistillationEvaluation(labels.Task.Kind, labels.Rows,
            Figures(teacher, _options.TeacherName, labels, teacherOutputs, speed?[0]),
            Figures(student, _options.StudentName, labels, studentOutputs, speed?[1]),
            TeacherAgreementMeasure.Of(labels, teacherOutputs, studentOutputs));
    }

    public ModelEvaluation Measure(ScoredModel model, string name)
    {
        var scored = Score(model, $"model '{name}'");
        var labels = ReadLabels(scored);
        model.CheckClassOrder(scored, labels, $"model '{name}'");
        var outputs = model.Read(scored, labels, $"model '{name}'");
        return Figures(model, name, labels, outputs, Speed(labels, [model])?[0]);
    }

    /// <summary>The labels as the student's output carries them (a label the pipeline maps itself is read mapped).</summary>
    private EvaluationLabels ReadLabels(IDataView studentScored)
    {
        var labels = EvaluationLabels.Read(studentScored, _options.LabelColumnName);
        if (labels.Rows == 0)
            throw new ArgumentException("The evaluation data has no rows.");
        return labels;
    }

    private IDataView Score(ScoredModel model, string name)
    {
        try { return model.Transformer.Transform(_data); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        { throw new ArgumentException($"The {name} cannot score the evaluation data: {e.Message}", e); }
    }

    private (LatencyStatistics? Latency, double RowsPerSecond)[]? Speed(EvaluationLabels labels, IReadOnlyList<ScoredModel> models)
        => _options.MeasureSpeed ? SpeedMeasurement.Measure(_data, labels.Rows, models, _options) : null;

    private ModelEvaluation Figures(ScoredModel model, string name, EvaluationLabels labels, ModelOutputs outputs,
        (LatencyStatistics? Latency, double RowsPerSecond)? speed)
    {
        var rows = ClassifierFigures.LabelledRows(labels).ToArray();
        if (rows.Length == 0)
            throw new ArgumentException("The evaluation data has no labelled rows: every label is missing.");
        var (metrics, binary, multiclass, regression) = labels.Task.Evaluation.Metrics(_mlContext, labels, outputs, rows);
        var (bytes, parameters) = model.Size(_mlContext, _input.Schema);
        return new ModelEvaluation(name, metrics, parameters, bytes,
            speed?.Latency, speed?.RowsPerSecond,
            labels.IsClassification ? ClassifierFigures.Calibration(labels, outputs, _options.CalibrationBins) : null,
            labels.IsClassification ? ClassifierFigures.PerClass(labels, outputs) : [])
        {
            BinaryMetrics = binary,
            MulticlassMetrics = multiclass,
            RegressionMetrics = regression,
        };
    }
}
