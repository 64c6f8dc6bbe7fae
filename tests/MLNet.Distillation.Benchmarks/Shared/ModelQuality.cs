using Microsoft.ML;

namespace MLNet.Distillation.Benchmarks;

/// <summary>A classifier's test figures, with its agreement with the teacher when there is one.</summary>
internal sealed record ModelQuality(double Accuracy, double MacroF1, double ExpectedCalibrationError, double? AgreementWithTeacher)
{
    public static ModelQuality Of(MLContext ml, IDataView scored, IDataView? teacherScored)
    {
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        return new ModelQuality(metrics.MicroAccuracy, DistillationMetrics.MacroF1(metrics.ConfusionMatrix),
            DistillationMetrics.ExpectedCalibrationError(scored), teacherScored is null ? null : DistillationMetrics.Agreement(scored, teacherScored));
    }
}
