using System.Globalization;
using ScottPlot;

namespace MLNet.Distillation.Reporting.Plots;

/// <summary>What every chart shares: its size and the colour of each model (the teacher and the student keep theirs on every chart).</summary>
internal static class PlotStyle
{
    public const int Width = 800;
    public const int Height = 480;

    /// <summary>Matplotlib's tab10 blue, orange, then the rest of the palette for other models and loss terms.</summary>
    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"), Color.FromHex("#9467bd"),
        Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"), Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    public static Color Teacher => Palette[0];
    public static Color Student => Palette[1];

    /// <summary>The colour of the i-th series after the teacher's and the student's (cycles through the palette).</summary>
    public static Color Series(int index) => Palette[2 + index % (Palette.Length - 2)];

    /// <summary>Colour of a model on the comparison charts: teacher, student, then other models in order.</summary>
    public static Color Model(int index) => index switch { 0 => Teacher, 1 => Student, _ => Series(index - 2) };

    public static Color Neutral => Color.FromHex("#555555");

    /// <summary>A number for an axis or a label: few digits, thousands separated.</summary>
    public static string Number(double value) => Math.Abs(value) switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    /// <summary>A byte count with its decimal unit (so that the powers of ten of a log axis read 10 kB, 100 kB, 1 MB).</summary>
    public static string Bytes(double bytes) => bytes switch
    {
        >= 1e9 => Number(bytes / 1e9) + " GB",
        >= 1e6 => Number(bytes / 1e6) + " MB",
        >= 1e3 => Number(bytes / 1e3) + " kB",
        _ => Number(bytes) + " B",
    };
}
