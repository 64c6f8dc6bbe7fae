namespace MLNet.Distillation;

/// <summary>
/// Options of
/// <see cref="DistillationCatalog.Evaluate(Microsoft.ML.ITransformer, Microsoft.ML.ITransformer, Microsoft.ML.IDataView, EvaluationOptions)"/>.
/// </summary>
public sealed class EvaluationOptions
{
    /// <summary>The label column. Its type sets the task: Boolean (binary), key (multiclass) or Single (regression).</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>How reports name the teacher.</summary>
    public string TeacherName { get; set; } = "teacher";

    /// <summary>How reports name the student.</summary>
    public string StudentName { get; set; } = "student";

    /// <summary>Equal-width confidence bins for ECE and the reliability diagram (15 is the common choice).</summary>
    public int CalibrationBins { get; set; } = 15;

    /// <summary>Measure single-row latency and batch throughput. Off, the evaluation is only metrics, agreement and sizes.</summary>
    public bool MeasureSpeed { get; set; } = true;

    /// <summary>Timed single-row predictions per model (rows cycle through the evaluation data).</summary>
    public int LatencyCalls { get; set; } = 1000;

    /// <summary>Untimed single-row predictions first (JIT, caches, lazy initialisation).</summary>
    public int LatencyWarmupCalls { get; set; } = 100;

    /// <summary>Throughput is timed over whole passes of <c>Transform</c> until at least this many rows were scored.</summary>
    public int ThroughputRows { get; set; } = 10_000;
}
