using System.Collections.Concurrent;

namespace MLNet.Distillation.Losses;

/// <summary>
/// The loss terms a recipe (<see cref="LossTerm"/>) can name, each with the tasks it applies to. The trainer looks every
/// recipe entry up here, so a new term is one class plus one registration, and the training loop never changes.
/// The registry only grows: a name, once registered (the built-in ones included), always means the same term, so a
/// registration in one part of a program cannot change what a recipe means in another.
/// </summary>
public static class LossRegistry
{
    private sealed record Entry(Func<LossParameters, IDistillationLoss> Factory, DistillationTask[] Tasks);

    private static readonly DistillationTask[] AllTasks =
        [DistillationTask.MulticlassClassification, DistillationTask.BinaryClassification, DistillationTask.Regression];

    private static readonly ConcurrentDictionary<string, Entry> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        [LossNames.CrossEntropy] = new(_ => new CrossEntropyLoss(), [DistillationTask.MulticlassClassification]),
        [LossNames.KnowledgeDistillation] = new(p => new SoftTargetKLDivergenceLoss(p.Temperature), [DistillationTask.MulticlassClassification]),
        [LossNames.DecoupledKnowledgeDistillation] = new(p => new DecoupledKDLoss(p.Get("alpha", 1), p.Get("beta", 8), p.Temperature, p.Get("warmup", 20)),
            [DistillationTask.MulticlassClassification]),
        // Representation terms: on a hidden layer they mean the same for every task.
        [LossNames.Hint] = new(_ => new HintLoss(), AllTasks),
        [LossNames.RelationDistance] = new(_ => new RelationDistanceLoss(), AllTasks),
        [LossNames.RelationAngle] = new(_ => new RelationAngleLoss(), AllTasks),
        [LossNames.SimilarityPreserving] = new(_ => new SimilarityPreservingLoss(), AllTasks),
        [LossNames.LogitMatching] = new(_ => new LogitMatchingLoss(), [DistillationTask.MulticlassClassification, DistillationTask.BinaryClassification]),
        [LossNames.BinaryCrossEntropy] = new(_ => new BinaryCrossEntropyLoss(), [DistillationTask.BinaryClassification]),
        [LossNames.SoftBinaryCrossEntropy] = new(p => new SoftTargetBinaryCrossEntropyLoss(p.Temperature), [DistillationTask.BinaryClassification]),
        [LossNames.MeanSquaredError] = new(_ => new LabelRegressionLoss(LossNames.MeanSquaredError, RegressionPenalty.Squared), [DistillationTask.Regression]),
        [LossNames.Huber] = new(p => new LabelRegressionLoss(LossNames.Huber, RegressionPenalty.Huber(p.Get("delta", Defaults.HuberDelta))), [DistillationTask.Regression]),
        [LossNames.TeacherMeanSquaredError] = new(_ => new TeacherRegressionLoss(LossNames.TeacherMeanSquaredError, RegressionPenalty.Squared), [DistillationTask.Regression]),
        [LossNames.TeacherHuber] = new(p => new TeacherRegressionLoss(LossNames.TeacherHuber, RegressionPenalty.Huber(p.Get("delta", Defaults.HuberDelta))), [DistillationTask.Regression]),
    };

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
            throw new ArgumentException($"Loss term '{term.Name}' is for {string.Join(" and ", entry.Tasks.Select(Describe))}, not {Describe(task)}. " +
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
