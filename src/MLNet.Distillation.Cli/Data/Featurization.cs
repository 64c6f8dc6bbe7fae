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

    private Featurization(CsvSchema schema, InferredColumn label, CliTask task, IReadOnlyList<InferredColumn> features,
        IReadOnlyList<InferredColumn> leftOut, string? negativeClass, string? positiveClass, bool invertsLabel)
    {
        Schema = schema;
        Label = label;
        CliTask = task;
        FeatureColumns = features;
        LeftOut = leftOut;
        NegativeClass = negativeClass;
        PositiveClass = positiveClass;
        InvertsLabel = invertsLabel;
    }

    /// <summary>The training file.</summary>
    public CsvSchema Schema { get; }

    /// <summary>The label column of the file.</summary>
    public InferredColumn Label { get; }

    /// <summary>The task, as the library names it (<see cref="CliTask"/>'s kind).</summary>
    public DistillationTask Task => CliTask.Kind;

    /// <summary>What differs with the task on the command line (the label's reading, its mapping, the teacher, the metrics...).</summary>
    public CliTask CliTask { get; }

    /// <summary>The columns that become features, in file order.</summary>
    public IReadOnlyList<InferredColumn> FeatureColumns { get; }

    /// <summary>Columns left out because every value is missing.</summary>
    public IReadOnlyList<InferredColumn> LeftOut { get; }

    /// <summary>A binary task's negative class (read as false), as the label column writes it; null for other tasks.</summary>
    public string? NegativeClass { get; }

    /// <summary>
    /// A binary task's positive class (read as true), as the label column writes it: <c>--positive</c>, or by default true,
    /// 1, or the later of two text values in ordinal order; null for other tasks.
    /// </summary>
    public string? PositiveClass { get; }

    /// <summary>Whether a true/false or 0/1 label is read the other way round (<c>--positive false</c> or <c>--positive 0</c>).</summary>
    public bool InvertsLabel { get; }

    /// <summary>Whether the binary label is loaded as Boolean (true/false or 0/1 in the file) rather than mapped from two text values.</summary>
    public bool BooleanLabel => CliTask.LoadsLabelAsBoolean(Label);

    /// <summary>How the label column is loaded: Boolean for a true/false or 0/1 binary label, Single for numbers, otherwise text.</summary>
    public DataKind LabelKind => BooleanLabel ? DataKind.Boolean
        : Label.Kind == ColumnKind.Numeric ? DataKind.Single : DataKind.String;

    /// <summary>The user's name of a class as the evaluation names it (binary: <c>False</c>, <c>True</c>); others unchanged.</summary>
    public string ClassName(string evaluationName) => CliTask.ClassName(this, evaluationName);

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
    /// <param name="schema">The training file.</param>
    /// <param name="label">Its label column.</param>
    /// <param name="task">The task.</param>
    /// <param name="positive"><c>--positive</c>: a binary task's positive class as the file writes it, or null for the default.</param>
    public static Featurization Plan(CsvSchema schema, InferredColumn label, DistillationTask task, string? positive = null)
    {
        var cliTask = CliTask.Of(task);
        cliTask.Check(label, schema.FileName);
        foreach (var column in schema.Columns)
        {
            if (Reserved.Contains(column.Name) || (column.Name == LabelColumn && column != label)
                || column.Name.StartsWith(FeaturePrefix, StringComparison.Ordinal))
                throw CliException.BadInput($"column '{column.Name}' in {schema.FileName} has a name the model writes{(column.Name == LabelColumn ? " for the label" : "")}; rename it in the header.");
        }
        var inputs = schema.Columns.Where(c => c != label).ToArray();
        var features = inputs.Where(c => !c.IsEmpty).ToArray();
        if (features.Length == 0)
            throw CliException.BadInput($"{schema.FileName} has no column to learn from besides the label '{label.Name}'.");
        var (negativeClass, positiveClass, inverts) = cliTask.Classes(label, positive, schema.FileName);
        return new Featurization(schema, label, cliTask, features, inputs.Where(c => c.IsEmpty).ToArray(), negativeClass, positiveClass, inverts);
    }

    /// <summary>
    /// Infers the columns of <paramref name="dataPath"/> (<c>--data</c>), finds the label and decides the task (given, or
    /// inferred from the label), and plans the featurisation: what train, sweep and score all start from, so a scoring
    /// worker loads the columns exactly as train will.
    /// </summary>
    /// <returns>The plan, and why the task was inferred as it was (for the console).</returns>
    public static (Featurization Plan, string TaskReason) Infer(string dataPath, string labelName, DistillationTask? task, string? positive,
        bool? header)
    {
        var schema = CsvColumnInference.Infer(dataPath, "--data", header);
        var label = schema.Column(labelName, "--label");
        var (inferred, reason) = TaskInference.Infer(label);
        return (Plan(schema, label, task ?? inferred, positive), reason);
    }

    /// <summary>Loads the training file with the planned columns.</summary>
    public IDataView Load(MLContext mlContext) => Load(mlContext, Schema, "--data");

    /// <summary>Loads another file (the test file) with the same columns, checked to hold the same kinds of values.</summary>
    public IDataView Load(MLContext mlContext, CsvSchema file, string option)
    {
        var view = CsvLoading.Load(mlContext, file, LoadedColumns.Select(c => (c.Name, c.Kind)), option, file == Schema ? null : Schema.FileName);
        if (file != Schema && CliTask.HasClasses)
            CheckClasses(file, option);
        return view;
    }

    /// <summary>
    /// Refuses evaluation rows whose class the training file lacks, or that have no label: the student cannot predict such
    /// a class, and ML.NET's evaluators would leave those rows out without a word (a binary label would map it to false).
    /// </summary>
    private void CheckClasses(CsvSchema file, string option)
    {
        var known = new HashSet<string>(Label.Distinct.Select(ClassKey));
        int index = file.Columns.First(c => c.Name == Label.Name).Index;
        var unknown = new Dictionary<string, (int Rows, int FirstLine)>();
        int missing = 0, firstMissing = 0;
        bool header = file.HasHeader;
        foreach (var (line, fields) in CsvRecords.Read(file.Path))
        {
            if (header)
            {
                header = false;
                continue;
            }
            string value = fields[index];
            if (CsvColumnInference.IsMissing(value))
            {
                if (missing++ == 0) firstMissing = line;
            }
            else if (!known.Contains(ClassKey(value)))
                unknown[value] = unknown.TryGetValue(value, out var seen) ? (seen.Rows + 1, seen.FirstLine) : (1, line);
        }
        string classes = string.Join(", ", Label.Distinct.Take(12).Select(v => $"'{v}'")) + (Label.Distinct.Count > 12 ? ", ..." : "");
        if (unknown.Count > 0)
        {
            var (value, (rows, first)) = unknown.First();
            int total = unknown.Values.Sum(u => u.Rows);
            throw CliException.BadInput($"{option} {file.FileName}: label '{Label.Name}' holds '{value}' on {rows} rows (first on line {first})" +
                (unknown.Count > 1 ? $" and {unknown.Count - 1} other classes on {total - rows} more" : "") +
                $", a class {Schema.FileName} does not have (its classes: {classes}): the student cannot predict it, and those rows would be dropped from the evaluation. " +
                "Remove them, or train on rows that have the class.");
        }
        if (missing > 0)
            throw CliException.BadInput(
                $"{option} {file.FileName}: label '{Label.Name}' is empty on {missing} rows (first on line {firstMissing}); " +
                "evaluation needs a label on every row (fill or remove those rows).");
    }

    /// <summary>
    /// A label value as the loader reads it, so that two spellings of one class compare equal: true, TRUE and 1 for a
    /// Boolean label; 1, 1.0 and 1e0 for a numeric one; text as it is.
    /// </summary>
    private string ClassKey(string value)
    {
        if (BooleanLabel)
            return value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) ? "true"
                : value == "0" || value.Equals("false", StringComparison.OrdinalIgnoreCase) ? "false" : value;
        if (Label.Kind == ColumnKind.Numeric
            && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number))
            return ((float)number).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return value;
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
        return CliTask.AppendLabel(mlContext, this, chain);
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
    private static string FeatureName(InferredColumn column)
        => FeaturePrefix + column.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private InputOutputColumnPair[] Pairs(ColumnKind kind)
        => FeatureColumns.Where(c => c.Kind == kind).Select(c => new InputOutputColumnPair(FeatureName(c), c.Name)).ToArray();
}
