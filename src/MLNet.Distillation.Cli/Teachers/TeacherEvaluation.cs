using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// <c>mlContext.Distillation.Evaluate</c> for any <c>--teacher</c>. An ML.NET teacher (LightGbm, a .zip) is measured as a
/// model; a <see cref="Teacher"/> object (ONNX) through its own scoring (single rows timed one ONNX Runtime run each). A .zip
/// whose output columns ML.NET's evaluators cannot read as they are (a Model Builder multiclass model maps its predicted
/// label back to text) is measured through its teacher outputs instead, with a note.
/// </summary>
internal static class TeacherEvaluation
{
    /// <summary>Teacher and student on <paramref name="data"/> (featurised, with <c>Label</c>).</summary>
    public static DistillationEvaluation Evaluate(MLContext ml, TeacherSource source, Teacher teacher, ITransformer? teacherModel,
        ITransformer student, IDataView data, CliConsole console)
    {
        var options = new EvaluationOptions { LabelColumnName = Featurization.LabelColumn };
        try
        {
            teacherModel ??= source.Kind == TeacherKind.MLNetModel ? ml.Model.Load(source.Path!, out _) : null;
            if (teacherModel is not null)
            {
                try
                {
                    return ml.Distillation.Evaluate(teacherModel, student, data, options);
                }
                catch (Exception e) when (source.Kind == TeacherKind.MLNetModel && e is not OperationCanceledException)
                {
                    console.WriteLine($"Note: {source.Describe()} cannot be measured as a model ({e.Message.Split('\n')[0]}); measured through its teacher outputs.");
                }
            }
            return ml.Distillation.Evaluate(teacher, student, data, options);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw CliException.TrainingFailed($"evaluating teacher and student failed: {e.Message.Split('\n')[0]}", e);
        }
    }
}
