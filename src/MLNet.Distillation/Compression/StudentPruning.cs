using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Structured pruning with distillation fine-tuning: rank the units of every hidden layer (<see cref="UnitImportance"/>),
/// remove the lowest whole (<see cref="UnitPruning"/>), and fine-tune the smaller network through the task's own trainer
/// starting from the remaining weights (<see cref="InitializedStudent"/>); repeated <see cref="PruningOptions.Steps"/> times.
/// </summary>
internal static class StudentPruning
{
    public static PruningResult Run<TOptions>(ITransformer model, IDataView data, TOptions options, PruningOptions? pruning,
        Func<TOptions, IEstimator<StudentTransformer>> trainer)
        where TOptions : DistillationTrainerOptions
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        pruning ??= new PruningOptions();
        pruning.Validate();
        var original = Find(model) ?? throw new ArgumentException(
            $"The model holds no distilled student (StudentTransformer) to prune; it is a {model.GetType().Name}.", nameof(model));
        var widths = CheckPrunable(original, options);
        var targets = Targets(pruning, widths);
        var (dropout, standardize) = options.Student switch
        {
            MlpStudent m => (m.Dropout, m.StandardizeInputs),
            CnnStudent c => (c.Dropout, false), // a standardising CNN keeps its StandardizeLayer as a fixed first layer
            InitializedStudent i => (i.Dropout, i.StandardizeInputs),
            var other => (0f, other?.StandardizeInputs ?? false),
        };
        var rows = pruning.Criterion == PruningCriterion.Activation ? ReadRows(data, original, pruning.ImportanceRows) : [];

        var student = original;
        for (int step = 1; step <= pruning.Steps; step++)
        {
            // Widths shrink geometrically from the student's to the targets over the steps.
            var keepCounts = Enumerable.Range(0, widths.Length).Select(g => step == pruning.Steps ? targets[g]
                : Math.Max(targets[g], (int)Math.Round(widths[g] * Math.Pow(targets[g] / (double)widths[g], step / (double)pruning.Steps))))
                .ToArray();
            var pruned = Prune(student.Model.Layers, keepCounts, pruning.Criterion, rows, original.InputSize);
            var fineTuning = (TOptions)options.Copy();
            fineTuning.Student = new InitializedStudent(pruned, dropout, standardize);
            fineTuning.NumberOfEpochs = pruning.FineTuningEpochs ?? options.NumberOfEpochs;
            student = trainer(fineTuning).Fit(data);
        }
        return new PruningResult(student, pruning.Criterion, widths, targets, original.ParameterCount, student.ParameterCount);
    }

    /// <summary>
    /// Refuses a student these options cannot prune (another task, sparse inputs, another feature column, layers the
    /// fine-tuning cannot rebuild, no hidden layer) and returns the widths of its prunable layers.
    /// </summary>
    private static int[] CheckPrunable(StudentTransformer original, DistillationTrainerOptions options)
    {
        // The options' own task (the overload's options class) is the one the fine-tuning trains.
        if (original.Task != options.Task)
            throw new ArgumentException($"The student was trained for {original.Task}, but these trainer options are for {options.Task}: " +
                "use the matching Prune overload.", nameof(options));
        if (original.Model.SparsePairs is not null)
            throw new ArgumentException($"The student ({original.Architecture}) reads sparse features; pruning handles students over dense rows only. " +
                "Its size is its first layer's table (one row per input slot): train a narrower student (fewer hidden units, a smaller EmbeddingSize) or use fewer slots.", "model");
        if (options.FeatureColumnName != original.FeatureColumnName)
            throw new ArgumentException($"Options.FeatureColumnName is '{options.FeatureColumnName}', but the student reads '{original.FeatureColumnName}'.", nameof(options));
        var layers = original.Model.Layers;
        try
        {
            InitializedStudent.CheckTrainable(layers);
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException($"{e.Message} The student is {original.Architecture}.", "model", e);
        }
        var prunable = UnitPruning.Find(layers);
        if (prunable.Count == 0)
            throw new ArgumentException($"The student ({original.Architecture}) has no hidden layer to prune.", "model");
        return prunable.Select(p => p.Width).ToArray();
    }

    /// <summary>The layers with each prunable layer cut to its count of the most important units.</summary>
    private static IReadOnlyList<StudentLayer> Prune(IReadOnlyList<StudentLayer> layers, int[] keepCounts, PruningCriterion criterion, float[] rows,
        int inputSize)
    {
        var prunable = UnitPruning.Find(layers);
        var scores = UnitImportance.Score(layers, prunable, criterion, rows, inputSize);
        var keep = scores.Select((s, g) => UnitPruning.Top(s, keepCounts[g])).ToList();
        return UnitPruning.Remove(layers, prunable, keep);
    }

    /// <summary>The widths to prune to, checked against the student's.</summary>
    internal static int[] Targets(PruningOptions pruning, int[] widths)
    {
        if (pruning.Widths is not { } explicitWidths)
            return widths.Select(w => Math.Max(1, (int)Math.Round(w * pruning.KeepFraction))).ToArray();
        if (explicitWidths.Length != widths.Length)
            throw new ArgumentOutOfRangeException(nameof(PruningOptions.Widths), $"PruningOptions.Widths has {explicitWidths.Length} entries, " +
                $"but the student has {widths.Length} prunable layers (widths [{string.Join(", ", widths)}]).");
        for (int g = 0; g < widths.Length; g++)
            if (explicitWidths[g] < 1 || explicitWidths[g] > widths[g])
                throw new ArgumentOutOfRangeException(nameof(PruningOptions.Widths), $"PruningOptions.Widths[{g}] is {explicitWidths[g]}, but must be between 1 " +
                    $"and the layer's current width {widths[g]} (pruning only removes units; widths [{string.Join(", ", widths)}]).");
        return explicitWidths.ToArray();
    }

    /// <summary>The student in a model: the model itself, or the last one in a (nested) chain.</summary>
    internal static StudentTransformer? Find(ITransformer model) => model switch
    {
        StudentTransformer student => student,
        IEnumerable<ITransformer> chain => chain.Reverse().Select(Find).FirstOrDefault(s => s is not null),
        _ => null,
    };

    /// <summary>The first <paramref name="limit"/> rows of the student's feature column without NaN, row-major.</summary>
    private static float[] ReadRows(IDataView data, StudentTransformer student, int limit)
    {
        var column = data.Schema.GetColumnOrNull(student.FeatureColumnName)
            ?? throw new ArgumentException($"Feature column '{student.FeatureColumnName}' the student reads was not found in the data.",
                nameof(data));
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: var size } || item != NumberDataViewType.Single
            || size != student.InputSize)
            throw new ArgumentException($"Feature column '{student.FeatureColumnName}' must be a vector of {student.InputSize} Single values, but is {column.Type}.", nameof(data));
        var rows = new List<float>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        var dense = new float[size];
        int read = 0;
        while (read < limit && cursor.MoveNext())
        {
            getter(ref value);
            value.CopyTo(dense);
            if (dense.Any(float.IsNaN))
                continue;
            rows.AddRange(dense);
            read++;
        }
        return rows.ToArray();
    }
}
