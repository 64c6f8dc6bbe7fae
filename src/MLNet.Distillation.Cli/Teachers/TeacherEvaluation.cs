using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// <c>mlContext.Distillation.Evaluate</c> for any <c>--teacher</c>. An ML.NET teacher (LightGbm, a .zip) is measured as a
/// model, speed included. A <see cref="Teacher"/> object (ONNX) is measured without timing: the teacher stage scores whole
/// data views in blocks and refuses single rows, so its latency cannot be timed (the library's test of that overload turns
/// timing off too). The same happens, with a note, to a .zip whose output columns ML.NET's evaluators cannot read as they
/// are (a Model Builder multiclass model maps its predicted label back to text).
/// </summary>
internal static class TeacherEvaluation
{
    /// <summary>Teacher and student on <paramref name="data"/> (featurised, with <c>Label</c>).</summary>
    public static DistillationEvaluation Evaluate(MLContext ml, TeacherSource source, Teacher teacher, ITransformer? teacherModel, ITransformer student,
        IDataView data, CliConsole console)
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
                    console.WriteLine($"Note: {source.Describe()} cannot be measured as a model ({e.Message.Split('\n')[0]}); measured through its teacher outputs, without timing.");
                }
            }
            else
                console.WriteLine("Note: an ONNX teacher is measured without timing (the teacher stage scores blocks of rows, not single rows).");
            options.MeasureSpeed = false;
            return ml.Distillation.Evaluate(teacher, student, data, options);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw CliException.TrainingFailed($"evaluating teacher and student failed: {e.Message.Split('\n')[0]}", e);
        }
    }
}
