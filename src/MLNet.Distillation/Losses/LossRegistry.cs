using System.Collections.Concurrent;

namespace MLNet.Distillation.Losses;

/// <summary>
/// The loss terms a recipe (<see cref="LossTerm"/>) can name, each with the tasks it applies to. The trainer looks every
/// recipe entry up here, so a new term is one class plus one registration, and the training loop never changes. Which
/// tasks a built-in term applies to is the task objects' to say (<see cref="TrainingTask.BuiltInLosses"/>), so the
/// registry names no task. The registry only grows: a name, once registered (the built-in ones included), always means
/// the same term, so a registration in one part of a program cannot change what a recipe means in another.
/// </summary>
public static class LossRegistry
{
    private sealed record Entry(Func<LossParameters, IDistillationLoss> Factory, DistillationTask[] Tasks);

    // The built-in terms' factories; declared before Entries, which the static initialiser builds from them.
    private static readonly Dictionary<string, Func<LossParameters, IDistillationLoss>> BuiltInFactories = new()
    {
        [LossNames.CrossEntropy] = _ => new CrossEntropyLoss(),
        [LossNames.KnowledgeDistillation] = p => new SoftTargetKLDivergenceLoss(p.Temperature),
        [LossNames.DecoupledKnowledgeDistillation] =
            p => new DecoupledKDLoss(p.Get("alpha", 1), p.Get("beta", 8), p.Temperature, p.Get("warmup", 20)),
        [LossNames.Hint] = _ => new HintLoss(),
        [LossNames.RelationDistance] = _ => new RelationDistanceLoss(),
        [LossNames.RelationAngle] = _ => new RelationAngleLoss(),
        [LossNames.SimilarityPreserving] = _ => new SimilarityPreservingLoss(),
        [LossNames.LogitMatching] = _ => new LogitMatchingLoss(),
        [LossNames.BinaryCrossEntropy] = _ => new BinaryCrossEntropyLoss(),
        [LossNames.SoftBinaryCrossEntropy] = p => new SoftTargetBinaryCrossEntropyLoss(p.Temperature),
        [LossNames.MeanSquaredError] = _ => new LabelRegressionLoss(LossNames.MeanSquaredError, RegressionPenalty.Squared),
        [LossNames.Huber] = p => new LabelRegressionLoss(LossNames.Huber, RegressionPenalty.Huber(p.Get("delta", Defaults.HuberDelta))),
        [LossNames.TeacherMeanSquaredError] = _ => new TeacherRegressionLoss(LossNames.TeacherMeanSquaredError, RegressionPenalty.Squared),
        [LossNames.TeacherHuber] =
            p => new TeacherRegressionLoss(LossNames.TeacherHuber, RegressionPenalty.Huber(p.Get("delta", Defaults.HuberDelta))),
    };

    private static readonly ConcurrentDictionary<string, Entry> Entries = new(
        BuiltInFactories.Select(f => KeyValuePair.Create(f.Key, new Entry(f.Value, TasksTaking(f.Key)))), StringComparer.OrdinalIgnoreCase);

    /// <summary>The tasks whose objects list the built-in term <paramref name="name"/>, in the order of <see cref="TrainingTask.All"/>.</summary>
    private static DistillationTask[] TasksTaking(string name)
        => TrainingTask.All.Where(t => t.BuiltInLosses.Contains(name)).Select(t => t.Kind).ToArray();

    /// <summary>Every registered name, in ordinal order.</summary>
    public static IReadOnlyList<string> Names => Entries.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The names registered for <paramref name="task"/>, in ordinal order.</summary>
    /// <param name="task">The prediction task.</param>
    public static IReadOnlyList<string> NamesFor(DistillationTask task)
        => Entries.Where(e => e.Value.Tasks.Contains(task)).Select(e => e.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Registers a new loss term under <paramref name="name"/>. A name that is already registered is refused.</summary>
    /// <param name="name">The name recipes use (case-insensitive).</param>
    /// <param name="factory">Builds the term from its settings; read every setting the term takes through <see cref="LossParameters.Get"/>.</param>
    /// <param name="tasks">The tasks the term applies to (at least one).</param>
    public static void Register(string name, Func<LossParameters, IDistillationLoss> factory, params DistillationTask[] tasks)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Length == 0)
            throw new ArgumentException($"Loss term '{name}' must name at least one task it applies to.", nameof(tasks));
        if (!Entries.TryAdd(name, new Entry(factory, tasks.Distinct().ToArray())))
            throw new ArgumentException($"A loss term is already registered under the name '{name}'; choose another name.", nameof(name));
    }

    /// <summary>Builds the term a recipe entry names, for a trainer of <paramref name="task"/>; errors name the entry.</summary>
    internal static IDistillationLoss Create(LossTerm term, DistillationTask task, float trainerTemperature)
    {
        if (!Entries.TryGetValue(term.Name, out var entry))
            throw new ArgumentException($"No loss term is registered under the name '{term.Name}'. Terms for {Describe(task)}: {string.Join(", ", NamesFor(task))}.");
        if (!entry.Tasks.Contains(task))
            throw new ArgumentException(
                $"Loss term '{term.Name}' is for {string.Join(" and ", entry.Tasks.Select(Describe))}, not {Describe(task)}. " +
                $"Terms for {Describe(task)}: {string.Join(", ", NamesFor(task))}.");
        var parameters = new LossParameters(term.Name, term.Parameters, trainerTemperature);
        IDistillationLoss loss;
        try { loss = entry.Factory(parameters); }
        catch (ArgumentException e) { throw new ArgumentException($"Loss term '{term.Name}': {e.Message}", e); }
        parameters.ThrowOnUnread();
        return loss;
    }

    /// <summary>The task in words, for messages ("binary classification").</summary>
    internal static string Describe(DistillationTask task) => TrainingTask.Of(task).Description;
}
