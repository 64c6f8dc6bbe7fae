using System.Collections.Concurrent;

namespace MLNet.Distillation.Losses;

/// <summary>
/// Loss terms by name, so that recipes can be written as data (<c>"kd"</c> with T = 4) and new terms plug in
/// without touching the trainer. Built-in: <c>ce</c>, <c>kd</c>, <c>logit-mse</c>.
/// </summary>
public static class LossRegistry
{
    private static readonly ConcurrentDictionary<string, Func<LossSettings, IDistillationLoss>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [CrossEntropyLoss.RegistryName] = _ => new CrossEntropyLoss(),
        [SoftTargetKLDivergenceLoss.RegistryName] = s => new SoftTargetKLDivergenceLoss(s.Temperature),
        [LogitMatchingLoss.RegistryName] = _ => new LogitMatchingLoss(),
    };

    /// <summary>The registered names.</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>Registers (or replaces) a loss factory under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="factory">Creates the term from the run's settings.</param>
    public static void Register(string name, Func<LossSettings, IDistillationLoss> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Factories[name] = factory;
    }

    /// <summary>Creates the term registered under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="settings">The run's settings (temperature, ...).</param>
    public static IDistillationLoss Create(string name, LossSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (name is null || !Factories.TryGetValue(name, out var factory))
            throw new ArgumentException($"No loss is registered under the name '{name}'. Registered: {string.Join(", ", Names)}.", nameof(name));
        return factory(settings);
    }
}

/// <summary>Settings a loss factory may read.</summary>
public sealed class LossSettings
{
    /// <summary>Softening temperature for soft-target terms.</summary>
    public float Temperature { get; init; } = 4f;
}
