namespace MLNet.Distillation.Reporting;

/// <summary>A chart a <see cref="DistillationReport"/> leaves out rather than drawing it empty, and why.</summary>
/// <param name="Name">The chart's file-name stem, as a <see cref="ReportPlot"/> would have it.</param>
/// <param name="Title">The chart's title.</param>
/// <param name="Reason">Why it is left out (e.g. no training history given, speed not measured, regression has no classes).</param>
public sealed record OmittedPlot(string Name, string Title, string Reason);
