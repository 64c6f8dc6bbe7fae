namespace MLNet.Distillation;

/// <summary>One figure from an evaluator, named as ML.NET names it (e.g. <c>MicroAccuracy</c>, <c>AreaUnderRocCurve</c>, <c>RSquared</c>).</summary>
/// <param name="Name">The metric's name: the ML.NET metrics property it comes from, or <c>MacroF1</c>.</param>
/// <param name="Value">Its value on the evaluation data.</param>
/// <param name="HigherIsBetter">Whether a larger value is better (false for log-loss and errors).</param>
public sealed record MetricValue(string Name, double Value, bool HigherIsBetter);
