using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Everything before the student trains, shared by train and sweep: the columns inferred, the task decided, the rows
/// loaded and split, the featuriser fitted on the training rows, and the teacher loaded (or trained). Says on the
/// console what it inferred and decided.
/// </summary>
internal sealed class PreparedRun
{
    private PreparedRun(MLContext ml, Featurization plan, IDataView rawTrain, ITransformer featurizer, IDataView train, IDataView test,
        long trainRows, long testRows, Teacher teacher, ITransformer? trainedTeacher)
    {
        Ml = ml;
        Plan = plan;
        RawTrain = rawTrain;
        Featurizer = featurizer;
        Train = train;
        Test = test;
        TrainRows = trainRows;
        TestRows = testRows;
        Teacher = teacher;
        TrainedTeacher = trainedTeacher;
    }

    /// <summary>The context every step uses (seeded with <c>--seed</c>).</summary>
    public MLContext Ml { get; }

    /// <summary>Columns, task and featurisation.</summary>
    public Featurization Plan { get; }

    /// <summary>The training rows as loaded (raw CSV columns): their schema is the saved model's input schema.</summary>
    public IDataView RawTrain { get; }

    /// <summary>The featuriser and label mapping, fitted on the training rows.</summary>
    public ITransformer Featurizer { get; }

    /// <summary>The featurised training rows (cached).</summary>
    public IDataView Train { get; }

    /// <summary>The featurised evaluation rows.</summary>
    public IDataView Test { get; }

    /// <summary>Training rows.</summary>
    public long TrainRows { get; }

    /// <summary>Evaluation rows.</summary>
    public long TestRows { get; }

    /// <summary>The teacher.</summary>
    public Teacher Teacher { get; }

    /// <summary>
    /// Whether the rows loaded from <c>--data</c> carry the teacher's outputs already (<c>--shards</c>), so the teacher
    /// scores only rows from elsewhere (<c>--test</c>).
    /// </summary>
    public bool TeacherOutputsInData { get; private init; }

    /// <summary>The LightGbm model trained as teacher (<c>--teacher lightgbm</c>), or null.</summary>
    public ITransformer? TrainedTeacher { get; }

    /// <summary>Infers, loads, splits, featurises and gets the teacher.</summary>
    public static PreparedRun Prepare(RunArguments args, CliConsole console, CancellationToken cancellation)
    {
        var plan = PlanColumns(args, console);
        var ml = new MLContext(args.Seed);
        // Ctrl+C also stops what only ML.NET's own cancellation reaches (LightGbm, featurisers); the context is not used after.
        cancellation.Register(() => ml.Distillation.CancelExecution());
        // With --shards the workers' rows (the teacher's outputs beside them) stand in for the file: the same rows in order.
        Teacher? shardTeacher = args.Shards is null ? null : TeacherLoader.Load(ml, args.Teacher);
        var (rawTrain, rawTest, trainRows, testRows) = LoadAndSplit(ml, plan, args, shardTeacher, console);
        var (featurizer, train) = Featurize(ml, plan, rawTrain, console);
        cancellation.ThrowIfCancellationRequested();
        var (teacher, trainedTeacher) = shardTeacher is null ? GetTeacher(ml, plan, args, train, console)
            : (ShardTeacher(shardTeacher, args, console), null);
        cancellation.ThrowIfCancellationRequested();
        return new PreparedRun(ml, plan, rawTrain, featurizer, train, featurizer.Transform(rawTest), trainRows, testRows, teacher, trainedTeacher)
        {
            TeacherOutputsInData = shardTeacher is not null,
        };
    }

    /// <summary>The columns, the task and the featurisation, checked against the options that depend on the task, and said on the console.</summary>
    private static Featurization PlanColumns(RunArguments args, CliConsole console)
    {
        var (plan, reason) = Featurization.Infer(args.Data, args.Label, args.Task, args.Positive, args.Header);
        var (schema, label, task) = (plan.Schema, plan.Label, plan.CliTask);
        if (!task.HasTemperature && args.Temperature is float temperature)
            throw CliException.BadInput($"--temperature {temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {task.Name} has no softening temperature " +
                "(the student matches the teacher's predictions); leave it out.");
        if (args.Metric is string metric)
            VerdictMetric.Check(metric, task.Kind);
        console.WriteLine($"Data: {schema.FileName}, {schema.Rows:N0} rows, {schema.Columns.Count} columns{(schema.HasHeader ? "" : " (no header row: columns named col0, col1, ...)")}.");
        console.WriteLine(args.Task is null
            ? $"Task: {task.Name} (inferred from label '{label.Name}': {reason}; set --task to change it)."
            : $"Task: {task.Name} (label '{label.Name}').");
        if (task.LabelLine(plan, positiveGiven: args.Positive is not null) is string labelLine)
            console.WriteLine(labelLine);
        foreach (var line in plan.Describe())
            console.WriteLine($"  {line}");
        return plan;
    }

    /// <summary>The raw training and evaluation rows (--test, or a seeded share of --data held out) and their counts.</summary>
    private static (IDataView Train, IDataView Test, long TrainRows, long TestRows) LoadAndSplit(MLContext ml, Featurization plan, RunArguments args,
        Teacher? shardTeacher, CliConsole console)
    {
        var schema = plan.Schema;
        var raw = shardTeacher is null ? plan.Load(ml) : ShardedTrainingRows.Load(ml, plan, args.Data, args.Shards!, shardTeacher);
        IDataView rawTrain, rawTest;
        if (args.Test is string testPath)
        {
            var testSchema = CsvColumnInference.Infer(testPath, "--test", args.Header ?? schema.HasHeader);
            rawTrain = raw;
            rawTest = plan.Load(ml, testSchema, "--test");
        }
        else
        {
            var split = ml.Data.TrainTestSplit(raw, args.HoldOutFraction, seed: args.Seed);
            (rawTrain, rawTest) = (split.TrainSet, split.TestSet);
        }
        long trainRows = Count(rawTrain), testRows = Count(rawTest);
        if (trainRows == 0 || testRows == 0)
            throw CliException.BadInput($"--data {schema.FileName}: {trainRows} training and {testRows} evaluation rows; both need some (give --test, or more rows).");
        console.WriteLine(args.Test is null
            ? $"Split: no --test, so {args.HoldOutFraction:P0} of {schema.FileName} is held out for evaluation (seed {args.Seed}): {trainRows:N0} training rows, {testRows:N0} test rows."
            : $"Split: {trainRows:N0} training rows, {testRows:N0} test rows from {Path.GetFileName(args.Test)}.");
        return (rawTrain, rawTest, trainRows, testRows);
    }

    /// <summary>The featuriser fitted on the training rows, and those rows featurised (cached).</summary>
    private static (ITransformer Featurizer, IDataView Train) Featurize(MLContext ml, Featurization plan, IDataView rawTrain, CliConsole console)
    {
        ITransformer featurizer;
        IDataView train;
        try
        {
            featurizer = plan.Estimator(ml).Fit(rawTrain);
            train = ml.Data.Cache(featurizer.Transform(rawTrain));
        }
        catch (Exception e) when (e is not CliException and not OperationCanceledException)
        {
            throw CliException.BadInput($"--data {plan.Schema.FileName}: featurising the columns failed: {e.Message}", e);
        }
        var features = (train.Schema[Featurization.FeaturesColumn].Type as VectorDataViewType)?.Size ?? 1;
        console.WriteLine($"Features: {features:N0} values per row.");
        return (featurizer, train);
    }

    /// <summary>The teacher <c>--teacher</c> names: LightGbm trained here, a text encoder with its head fitted here, or a file.</summary>
    private static (Teacher Teacher, ITransformer? Trained) GetTeacher(MLContext ml, Featurization plan, RunArguments args, IDataView train,
        CliConsole console)
    {
        var clock = Stopwatch.StartNew();
        if (args.Teacher.Kind == TeacherKind.LightGbm)
        {
            var trained = TeacherLoader.TrainLightGbm(ml, plan.CliTask, train);
            console.WriteLine($"Teacher: LightGbm trained on the training rows in {clock.Elapsed.TotalSeconds:0.0} s.");
            return (Teacher.FromTransformer(trained), trained);
        }
        if (args.Teacher.Kind == TeacherKind.TextEncoder)
        {
            var texts = plan.FeatureColumns.Where(c => c.Kind == ColumnKind.Text).ToArray();
            if (texts.Length == 0)
                throw CliException.BadInput($"--teacher {args.Teacher.Path ?? TeacherSource.MiniLM}: a text encoder reads a free-text column, and {plan.Schema.FileName} has none " +
                    $"(its columns: {string.Join(", ", plan.FeatureColumns.Select(c => $"{c.Name} ({c.Kind})"))}).");
            var teacher = TeacherLoader.FitTextEncoder(ml, args.Teacher, train, texts[0].Name);
            console.WriteLine($"Teacher: {args.Teacher.Describe()} over column '{texts[0].Name}'" +
                $"{(texts.Length > 1 ? $" (the first of {texts.Length} text columns)" : "")}, its head fitted on the training rows in {clock.Elapsed.TotalSeconds:0.0} s.");
            return (teacher, null);
        }
        var loaded = TeacherLoader.Load(ml, args.Teacher);
        console.WriteLine($"Teacher: {loaded.Description}.");
        return (loaded, null);
    }

    /// <summary>The teacher that scored the shards (checked against them when they were loaded), said on the console.</summary>
    private static Teacher ShardTeacher(Teacher teacher, RunArguments args, CliConsole console)
    {
        console.WriteLine($"Teacher: {teacher.Description}; its outputs on the training rows come from the shards in {args.Shards} (not scored again).");
        return teacher;
    }

    /// <summary>The training rows with the teacher's outputs (<c>TeacherLogits</c>) appended.</summary>
    public IDataView ScoredTrain(bool cache) => Scored(Train, cache);

    /// <summary><paramref name="rows"/> (featurised) with the teacher's outputs (<c>TeacherLogits</c>) appended.</summary>
    public IDataView Scored(IDataView rows, bool cache)
    {
        if (TeacherOutputsInData && rows.Schema.GetColumnOrNull(DefaultColumnNames.TeacherLogits) is not null)
            return cache ? Ml.Data.Cache(rows) : rows;
        try
        {
            var scored = Ml.Transforms.TeacherScore(Teacher).Fit(rows).Transform(rows);
            return cache ? Ml.Data.Cache(scored) : scored;
        }
        catch (Exception e) when (e is not CliException and not OperationCanceledException)
        {
            throw CliException.TrainingFailed($"--teacher: the teacher cannot score the training rows: {e.Message}", e);
        }
    }

    /// <summary>
    /// The model to save: featuriser, student and (multiclass) the predicted key mapped back to the label's values. It takes
    /// the CSV's raw columns, so PredictionEngine works on rows as they are in the file.
    /// </summary>
    public TransformerChain<ITransformer> SaveableModel(ITransformer student)
    {
        var stages = new List<ITransformer> { Featurizer, student };
        if (Plan.CliTask.LabelValues(Ml, student, Train) is { } labelValues)
            stages.Add(labelValues);
        return new TransformerChain<ITransformer>([.. stages]);
    }

    /// <summary>The model as the bytes of an ML.NET .zip (teacher stages dropped), with the raw training schema.</summary>
    public byte[] SavedBytes(ITransformer model)
    {
        using var stream = new MemoryStream();
        Ml.Model.Save(model.Student(), RawTrain.Schema, stream);
        return stream.ToArray();
    }

    /// <summary>The rows of <paramref name="data"/>, counted when the view does not know.</summary>
    public static long Count(IDataView data)
    {
        if (data.GetRowCount() is long known)
            return known;
        long rows = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
            rows++;
        return rows;
    }
}
