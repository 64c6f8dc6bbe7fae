using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNet.Distillation.Cli;

/// <summary>
/// How a CSV file becomes what the trainers read, as Model Builder featurises it: numeric columns with missing values
/// replaced by the column's mean, Boolean columns as 0/1, categorical columns one-hot encoded, free text through
/// FeaturizeText, all concatenated into <c>Features</c>; and the label copied (or mapped) into <c>Label</c> in the type
/// the task's trainer reads (Boolean, a key, or Single). No normalisation: the MLP student standardises its inputs itself
/// (<c>MlpStudent.StandardizeInputs</c>, folded into its first layer on export). The raw columns stay in the data, so an
/// ML.NET teacher .zip that featurises them itself (a Model Builder model) reads them as they were.
/// </summary>
internal sealed class Featurization
{
    /// <summary>The feature vector the student (and an ONNX teacher) reads.</summary>
    public const string FeaturesColumn = "Features";

    /// <summary>The label as the trainers read it.</summary>
    public const string LabelColumn = "Label";

    /// <summary>Columns the pipeline writes; a CSV column may not be called so.</summary>
    private static readonly string[] Reserved = [FeaturesColumn, DefaultColumnNames.TeacherLogits, "Score", "Probability", "PredictedLabel"];

    private Featurization(CsvSchema schema, InferredColumn label, DistillationTask task, IReadOnlyList<InferredColumn> features,
        IReadOnlyList<InferredColumn> leftOut, string? negativeClass, string? positiveClass)
    {
        Schema = schema;
        Label = label;
        Task = task;
        FeatureColumns = features;
        LeftOut = leftOut;
        NegativeClass = negativeClass;
        PositiveClass = positiveClass;
    }

    /// <summary>The training file.</summary>
    public CsvSchema Schema { get; }

    /// <summary>The label column of the file.</summary>
    public InferredColumn Label { get; }

    /// <summary>The task.</summary>
    public DistillationTask Task { get; }

    /// <summary>The columns that become features, in file order.</summary>
    public IReadOnlyList<InferredColumn> FeatureColumns { get; }

    /// <summary>Columns left out because every value is missing.</summary>
    public IReadOnlyList<InferredColumn> LeftOut { get; }

    /// <summary>For a binary label with two text values: the value read as false.</summary>
    public string? NegativeClass { get; }

    /// <summary>For a binary label with two text values: the value read as true (the later of the two in ordinal order).</summary>
    public string? PositiveClass { get; }

    /// <summary>How the label column is loaded: Boolean for a true/false or 0/1 binary label, Single for numbers, otherwise text.</summary>
    public DataKind LabelKind => Task == DistillationTask.BinaryClassification && PositiveClass is null ? DataKind.Boolean
        : Label.Kind == ColumnKind.Numeric ? DataKind.Single : DataKind.String;

    /// <summary>Every loaded column (features and label) with its type, in file order.</summary>
    public IReadOnlyList<(string Name, DataKind Kind, int Index)> LoadedColumns
        => FeatureColumns.Select(c => (c.Name, FeatureKind(c), c.Index)).Append((Label.Name, LabelKind, Label.Index)).OrderBy(c => c.Item3).ToArray();

    /// <summary>How a feature column is loaded.</summary>
    public static DataKind FeatureKind(InferredColumn column) => column.Kind switch
    {
        ColumnKind.Numeric => DataKind.Single,
        ColumnKind.Boolean => DataKind.Boolean,
        _ => DataKind.String,
    };

    /// <summary>Plans the featurisation of <paramref name="schema"/> for <paramref name="task"/> with label <paramref name="label"/>.</summary>
    public static Featurization Plan(CsvSchema schema, InferredColumn label, DistillationTask task)
    {
        TaskInference.Check(task, label, schema.FileName);
        foreach (var column in schema.Columns)
        {
            if (Reserved.Contains(column.Name) || (column.Name == LabelColumn && column != label) || column.Name.StartsWith(FeaturePrefix, StringComparison.Ordinal))
                throw CliException.BadInput($"column '{column.Name}' in {schema.FileName} has a name the model writes{(column.Name == LabelColumn ? " for the label" : "")}; rename it in the header.");
        }
        var inputs = schema.Columns.Where(c => c != label).ToArray();
        var features = inputs.Where(c => !c.IsEmpty).ToArray();
        if (features.Length == 0)
            throw CliException.BadInput($"{schema.FileName} has no column to learn from besides the label '{label.Name}'.");
        string? negative = null, positive = null;
        if (task == DistillationTask.BinaryClassification && label.Kind is ColumnKind.Categorical or ColumnKind.Text)
        {
            var sorted = label.Distinct.Order(StringComparer.Ordinal).ToArray();
            (negative, positive) = (sorted[0], sorted[1]);
        }
        return new Featurization(schema, label, task, features, inputs.Where(c => c.IsEmpty).ToArray(), negative, positive);
    }

    /// <summary>Loads the training file with the planned columns.</summary>
    public IDataView Load(MLContext mlContext) => Load(mlContext, Schema, "--data");

    /// <summary>Loads another file (the test file) with the same columns, checked to hold the same kinds of values.</summary>
    public IDataView Load(MLContext mlContext, CsvSchema file, string option)
    {
        if (file != Schema && PositiveClass is not null)
        {
            var other = file.Columns.FirstOrDefault(c => c.Name == Label.Name);
            var unknown = other?.Distinct.FirstOrDefault(v => v != PositiveClass && v != NegativeClass);
            if (unknown is not null)
                throw CliException.BadInput($"{option} {file.FileName}: label '{Label.Name}' holds '{unknown}', but {Schema.FileName} has only '{NegativeClass}' and '{PositiveClass}'.");
        }
        return CsvLoading.Load(mlContext, file, LoadedColumns.Select(c => (c.Name, c.Kind)), option, file == Schema ? null : Schema.FileName);
    }

    /// <summary>The featuriser and label mapping, to fit on the training rows.</summary>
    public IEstimator<ITransformer> Estimator(MLContext mlContext)
    {
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var numeric = Pairs(ColumnKind.Numeric);
        if (numeric.Length > 0)
            chain = chain.Append(mlContext.Transforms.ReplaceMissingValues(numeric, MissingValueReplacingEstimator.ReplacementMode.Mean));
        var boolean = Pairs(ColumnKind.Boolean);
        if (boolean.Length > 0)
            chain = chain.Append(mlContext.Transforms.Conversion.ConvertType(boolean, DataKind.Single));
        var categorical = Pairs(ColumnKind.Categorical);
        if (categorical.Length > 0)
            chain = chain.Append(mlContext.Transforms.Categorical.OneHotEncoding(categorical));
        foreach (var text in FeatureColumns.Where(c => c.Kind == ColumnKind.Text))
            chain = chain.Append(mlContext.Transforms.Text.FeaturizeText(FeatureName(text), text.Name));
        chain = chain.Append(mlContext.Transforms.Concatenate(FeaturesColumn, FeatureColumns.Select(FeatureName).ToArray()));

        // The label in the type the task's trainer reads, always under one name, so that evaluate finds it in any saved model.
        return Task switch
        {
            DistillationTask.MulticlassClassification => chain.Append(mlContext.Transforms.Conversion.MapValueToKey(LabelColumn, Label.Name,
                keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)),
            DistillationTask.BinaryClassification when PositiveClass is not null => chain.Append(mlContext.Transforms.Conversion.MapValue(LabelColumn,
                [new KeyValuePair<string, bool>(NegativeClass!, false), new KeyValuePair<string, bool>(PositiveClass, true)], Label.Name)),
            _ => Label.Name == LabelColumn ? chain : chain.Append(mlContext.Transforms.CopyColumns(LabelColumn, Label.Name)),
        };
    }

    /// <summary>The console's description of the plan: one line per kind of column.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var group in FeatureColumns.GroupBy(c => c.Kind))
        {
            string how = group.Key switch
            {
                ColumnKind.Numeric => "numeric (missing values → column mean)",
                ColumnKind.Boolean => "Boolean (→ 0/1)",
                ColumnKind.Categorical => "categorical (one-hot)",
                _ => "free text (FeaturizeText)",
            };
            var names = group.Select(c => group.Key == ColumnKind.Categorical ? $"{c.Name} [{c.Distinct.Count}]" : c.Name).ToArray();
            yield return $"{names.Length} {how}: {string.Join(", ", names.Take(8))}{(names.Length > 8 ? ", ..." : "")}";
        }
        if (LeftOut.Count > 0)
            yield return $"left out (every value missing): {string.Join(", ", LeftOut.Select(c => c.Name))}";
    }

    private const string FeaturePrefix = "__feature_";

    /// <summary>Featurised columns get names of their own, so the raw columns stay as they were for an ML.NET teacher.</summary>
    private static string FeatureName(InferredColumn column) => FeaturePrefix + column.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private InputOutputColumnPair[] Pairs(ColumnKind kind)
        => FeatureColumns.Where(c => c.Kind == kind).Select(c => new InputOutputColumnPair(FeatureName(c), c.Name)).ToArray();
}
