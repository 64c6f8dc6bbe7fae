using SkiaSharp;

namespace MLNet.Distillation.Tests.Reporting;

/// <summary>What a decoded image holds: its size, how many distinct colours, and the share of pixels that are not white.</summary>
internal sealed record ImageStatistics(int Width, int Height, int DistinctColours, double NonWhiteShare)
{
    /// <summary>Decodes a PNG (fails the test when it does not decode).</summary>
    public static ImageStatistics Of(byte[] png) => Of(Decode(png));

    public static SKBitmap Decode(byte[] png)
        => SKBitmap.Decode(png) ?? throw new Xunit.Sdk.XunitException($"The PNG ({png.Length} bytes) does not decode.");

    public static ImageStatistics Of(SKBitmap bitmap)
    {
        var colours = new HashSet<uint>();
        long nonWhite = 0;
        foreach (var pixel in bitmap.Pixels)
        {
            colours.Add((uint)pixel);
            if (!IsWhite(pixel))
                nonWhite++;
        }
        return new ImageStatistics(bitmap.Width, bitmap.Height, colours.Count, nonWhite / (double)(bitmap.Width * bitmap.Height));
    }

    /// <summary>Pixels within <paramref name="tolerance"/> of <paramref name="colour"/> in each channel.</summary>
    public static long CountNear(SKBitmap bitmap, SKColor colour, int tolerance = 24)
        => bitmap.Pixels.LongCount(p => Math.Abs(p.Red - colour.Red) <= tolerance && Math.Abs(p.Green - colour.Green) <= tolerance && Math.Abs(p.Blue - colour.Blue) <= tolerance);

    private static bool IsWhite(SKColor p) => p.Alpha == 0 || (p.Red > 245 && p.Green > 245 && p.Blue > 245);
}
