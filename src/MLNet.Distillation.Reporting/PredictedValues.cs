namespace MLNet.Distillation.Reporting;

/// <summary>
/// A regression model's predictions beside the true values of the same evaluation rows, for the report's
/// predicted-against-actual and residual charts (<see cref="DistillationReport.Predictions"/>).
/// </summary>
/// <param name="ModelName">The model, named as in the evaluation (e.g. <c>teacher</c>, <c>student</c>).</param>
/// <param name="Actual">The label of each row.</param>
/// <param name="Predicted">The model's prediction for each row, in the same order.</param>
public sealed record PredictedValues(string ModelName, IReadOnlyList<float> Actual, IReadOnlyList<float> Predicted);
