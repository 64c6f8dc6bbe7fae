using System.Globalization;

namespace MLNet.Distillation.Benchmarks;

/// <summary>Mean and sample standard deviation over seeds, with the values themselves.</summary>
internal sealed record MeanStd(double Mean, double Std, double[] Values)
{
    public static MeanStd Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return new MeanStd(mean, std, v);
    }

    /// <summary>As percentages: <c>88.00 ± 0.26</c>.</summary>
    public string Percent => string.Create(CultureInfo.InvariantCulture, $"{Mean * 100:0.00} ± {Std * 100:0.00}");

    /// <summary>With the given number format: <c>0.912 ± 0.004</c>.</summary>
    public string Format(string format) => string.Create(CultureInfo.InvariantCulture, $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {Std.ToString(format, CultureInfo.InvariantCulture)}");
}
