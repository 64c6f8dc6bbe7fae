namespace MLNet.Distillation;

/// <summary>
/// Settings of <c>mlContext.Distillation.Quantize</c>: how the student's weights are rounded to int8 and, for static
/// quantization, how its activation ranges are measured on the calibration rows.
/// </summary>
public sealed class QuantizationOptions
{
    /// <summary>
    /// One weight scale per output channel (per neuron of a dense layer, per filter of a convolution) instead of one per
    /// layer. A channel's rounding error is then at most half its own largest weight / 127 rather than the layer's, never
    /// worse and usually far better when channels differ in magnitude; the cost is one float per channel. Default true.
    /// </summary>
    public bool PerChannel { get; set; } = true;

    /// <summary>
    /// Static quantization: the share (in percent) of each activation's calibration values its quantized range covers, cut
    /// evenly from both tails. 100 uses the minimum and maximum (nothing clipped); for example 99.99 ignores rare outliers
    /// to give the common values a finer grid, at the price of clipping the outliers. Must be in (50, 100]. Default 100.
    /// </summary>
    public double CalibrationPercentile { get; set; } = Defaults.CalibrationPercentile;

    /// <summary>Static quantization: the most calibration rows read (the first ones). Default 1,000.</summary>
    public int MaximumCalibrationRows { get; set; } = Defaults.MaximumCalibrationRows;

    internal void Validate()
    {
        if (!(CalibrationPercentile > 50 && CalibrationPercentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(CalibrationPercentile), $"QuantizationOptions.CalibrationPercentile must be in (50, 100], not {CalibrationPercentile}.");
        if (MaximumCalibrationRows < 1)
            throw new ArgumentOutOfRangeException(nameof(MaximumCalibrationRows), $"QuantizationOptions.MaximumCalibrationRows must be at least 1, not {MaximumCalibrationRows}.");
    }
}
