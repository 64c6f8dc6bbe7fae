namespace MLNet.Distillation;

/// <summary>A classifier's accuracy on the rows of one true class (its recall).</summary>
/// <param name="ClassName">The class as the label's key values name it (binary: <c>True</c> / <c>False</c>).</param>
/// <param name="Rows">Rows of this class in the evaluation data.</param>
/// <param name="Accuracy">Share of them predicted as this class (0 when there are none).</param>
public sealed record ClassAccuracy(string ClassName, long Rows, double Accuracy);
