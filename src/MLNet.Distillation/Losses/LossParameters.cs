using System.Globalization;

namespace MLNet.Distillation.Losses;

/// <summary>
/// What a loss factory reads when the trainer builds a term from a <see cref="LossTerm"/>: the term's own settings, and the
/// trainer's temperature for terms whose recipe entry gives none. Every setting the recipe gives must be read by the
/// factory; one that is not (a misspelt name, a setting the term does not take) is reported as an error naming the term.
/// </summary>
public sealed class LossParameters
{
    private readonly IReadOnlyDictionary<string, double> _values;
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);
    private readonly float _trainerTemperature;

    internal LossParameters(string lossName, IReadOnlyDictionary<string, double> values, float trainerTemperature)
    {
        LossName = lossName;
        _values = values;
        _trainerTemperature = trainerTemperature;
    }

    /// <summary>The name of the term being built (for error messages).</summary>
    public string LossName { get; }

    /// <summary>The setting <paramref name="name"/>, or <paramref name="defaultValue"/> when the recipe does not give it.</summary>
    /// <param name="name">The setting's name (case-insensitive).</param>
    /// <param name="defaultValue">Its value when absent.</param>
    public double Get(string name, double defaultValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value : defaultValue;
    }

    /// <summary>The term's softening temperature: its <c>temperature</c> setting, else the trainer's <c>Temperature</c> option.</summary>
    public float Temperature => (float)Get("temperature", _trainerTemperature);

    /// <summary>Throws when the recipe gave a setting the factory never read.</summary>
    internal void ThrowOnUnread()
    {
        var unread = _values.Keys.Where(k => !_read.Contains(k)).ToArray();
        if (unread.Length == 0)
            return;
        var known = _read.Order(StringComparer.Ordinal).ToArray();
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"Loss term '{LossName}' has no setting {string.Join(", ", unread.Select(u => $"'{u}'"))}; " +
            $"it takes {(known.Length == 0 ? "no settings" : string.Join(", ", known.Select(k => $"'{k}'")))}."));
    }
}
