using System.Globalization;
using System.Text;

namespace MLNet.Distillation.Cli.Tests.Support;

/// <summary>Tiny CSV tables the tests write, seeded so that every run reads the same rows.</summary>
internal static class Tables
{
    /// <summary>
    /// A binary table: three numeric features, the first informative; <paramref name="positiveShare"/> of the rows are
    /// <paramref name="positive"/>, the rest <paramref name="negative"/>.
    /// </summary>
    public static string Binary(TempFolder folder, string name, int rows, double positiveShare, string negative = "no", string positive = "yes", int seed = 1)
    {
        var random = new Random(seed);
        var text = new StringBuilder("x1,x2,x3,label\n");
        for (int i = 0; i < rows; i++)
        {
            bool isPositive = random.NextDouble() < positiveShare;
            text.Append(CultureInfo.InvariantCulture,
                $"{Gaussian(random) + (isPositive ? 1.5 : 0):0.000},{Gaussian(random):0.000},{Gaussian(random):0.000},{(isPositive ? positive : negative)}\n");
        }
        return folder.Write(name, text.ToString());
    }

    /// <summary>A regression table: <c>price = 100 · x + 5 + noise</c> with x from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static string Prices(TempFolder folder, string name, int rows, double from, double to, int seed = 1)
    {
        var random = new Random(seed);
        var text = new StringBuilder("x,noise,price\n");
        for (int i = 0; i < rows; i++)
        {
            double x = from + (to - from) * i / Math.Max(1, rows - 1);
            text.Append(CultureInfo.InvariantCulture, $"{x:0.0000},{Gaussian(random):0.000},{100 * x + 5 + Gaussian(random):0.000}\n");
        }
        return folder.Write(name, text.ToString());
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
