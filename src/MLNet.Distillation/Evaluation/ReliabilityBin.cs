namespace MLNet.Distillation;

/// <summary>One bar of a reliability diagram: the rows whose confidence (largest class probability) fell in [Lower, Upper).</summary>
/// <param name="Lower">Lower edge of the confidence bin.</param>
/// <param name="Upper">Upper edge (the last bin includes 1).</param>
/// <param name="Count">Labelled rows in the bin.</param>
/// <param name="Accuracy">Share of those rows predicted right (0 when the bin is empty).</param>
/// <param name="MeanConfidence">Mean confidence of those rows (0 when the bin is empty).</param>
public sealed record ReliabilityBin(double Lower, double Upper, long Count, double Accuracy, double MeanConfidence);
