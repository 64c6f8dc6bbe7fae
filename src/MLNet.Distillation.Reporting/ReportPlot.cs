namespace MLNet.Distillation.Reporting;

/// <summary>One chart of a <see cref="DistillationReport"/>, rendered both as a bitmap and as vector graphics.</summary>
/// <param name="Name">File-name stem (e.g. <c>loss</c>, <c>reliability</c>): <see cref="DistillationReport.SavePlots"/>
/// writes <c>Name.png</c> and <c>Name.svg</c>.</param>
/// <param name="Title">The chart's title, as drawn on it.</param>
/// <param name="Png">The chart as a PNG image.</param>
/// <param name="Svg">The same chart as an SVG document.</param>
public sealed record ReportPlot(string Name, string Title, byte[] Png, string Svg);
