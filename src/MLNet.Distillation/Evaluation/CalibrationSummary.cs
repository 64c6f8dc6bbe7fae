namespace MLNet.Distillation;

/// <summary>How well a classifier's confidence matches its accuracy.</summary>
/// <param name="ExpectedCalibrationError">ECE = Σ_b (n_b / N) · |accuracy_b − mean confidence_b| over equal-width confidence bins.</param>
/// <param name="Bins">The bins, from low to high confidence: the bars of a reliability diagram.</param>
public sealed record CalibrationSummary(double ExpectedCalibrationError, IReadOnlyList<ReliabilityBin> Bins);
