using System.Globalization;
using System.Text.RegularExpressions;

namespace MLNet.Distillation.Cli;

/// <summary>Parses <c>--time</c>: <c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>2.5m</c>, or a TimeSpan such as <c>00:05:00</c>.</summary>
internal static partial class TimeBudget
{
    [GeneratedRegex(@"^(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Units();

    /// <summary>The budget <paramref name="value"/> names; a bad-input error naming <c>--time</c> otherwise.</summary>
    public static TimeSpan Parse(string value)
    {
        var text = value.Trim();
        var match = Units().Match(text);
        TimeSpan time;
        if (text.Length > 0 && match.Success && (match.Groups["h"].Success || match.Groups["m"].Success || match.Groups["s"].Success))
        {
            double Part(string unit) => match.Groups[unit].Success ? double.Parse(match.Groups[unit].Value, CultureInfo.InvariantCulture) : 0;
            time = TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
        }
        else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out time))
            throw CliException.BadInput($"--time {value}: not a duration; write e.g. 90s, 5m, 1h30m or 00:05:00.");
        if (time <= TimeSpan.Zero)
            throw CliException.BadInput($"--time {value}: must be more than zero.");
        return time;
    }

    /// <summary>A duration in words: 5m, 1h30m, 90s.</summary>
    public static string Format(TimeSpan time)
        => time.TotalSeconds < 90 ? $"{time.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s"
            : time.TotalMinutes < 90 ? $"{time.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)}m"
            : $"{(int)time.TotalHours}h{time.Minutes:00}m";
}
