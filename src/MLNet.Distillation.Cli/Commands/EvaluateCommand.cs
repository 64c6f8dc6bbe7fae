using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Reporting;

namespace MLNet.Distillation.Cli;

/// <summary>
/// <c>distill evaluate</c>: a student.zip that <c>distill train</c> wrote and its teacher, measured on a CSV file with the
/// student's columns; the table on the console, and report.html and metrics.json when <c>--out</c> is given. The saved
/// model carries its featuriser and label mapping (the first stage of its chain), so the file is read as train read its own.
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>The command, wired to <paramref name="run"/>.</summary>
    public static Command Create(Func<Func<CliConsole, CancellationToken, int>, int> run)
    {
        var teacher = new Option<string>("--teacher") { Description = "The teacher the student learnt from: an ONNX model (.onnx) or an ML.NET model (.zip; train writes teacher.zip for --teacher lightgbm).", Required = true };
        var student = new Option<string>("--student") { Description = "The student.zip that distill train wrote.", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled rows with the columns the student was trained on (rows neither model trained on).", Required = true };
        var label = new Option<string?>("--label") { Description = "The label column (checked to be among the student's columns; the saved model knows its label)." };
        var output = new Option<string?>("--out") { Description = "Folder for report.html and metrics.json; without it, the table is printed only." };
        var header = new Option<string?>("--header") { Description = "true or false: whether --data starts with a header row (default: detected)." };
        var force = new Option<bool>("--force") { Description = "Overwrite files already in --out." };
        var teacherOutputs = new Option<string?>(TeacherSource.OutputsFlag) { Description = "What an ONNX teacher's output holds: logits or probabilities (as given to distill train)." };
        var command = new Command("evaluate", "Measure a saved student and its teacher on labelled rows: the table, report.html and metrics.json.");
        foreach (var option in new Option[] { teacher, teacherOutputs, student, data, label, output, header, force })
            command.Options.Add(option);
        command.SetAction(result => run((console, cancellation) =>
        {
            Execute(TeacherSource.Parse(result.GetValue(teacher)!, allowLightGbm: false).WithOutputs(result.GetValue(teacherOutputs)),
                result.GetValue(student)!, result.GetValue(data)!, result.GetValue(label), result.GetValue(output),
                RunOptions.ParseHeader(result.GetValue(header)), result.GetValue(force), console, cancellation);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Runs <c>distill evaluate</c>.</summary>
    public static DistillationEvaluation Execute(TeacherSource teacherSource, string studentPath, string dataPath, string? label, string? outPath,
        bool? header, bool force, CliConsole console, CancellationToken cancellation)
    {
        var output = outPath is null ? null : OutputFolder.Prepare(outPath, force, [TrainCommand.ReportFile, TrainCommand.MetricsFile]);
        if (!File.Exists(studentPath))
            throw CliException.BadInput($"--student {studentPath}: file not found.");
        var ml = new MLContext(0);
        using var _ = cancellation.Register(() => ml.Distillation.CancelExecution());
        var (featurizer, student, inputSchema) = LoadStudent(ml, studentPath);

        var schema = CsvColumnInference.Infer(dataPath, "--data", header);
        var columns = inputSchema.Where(c => !c.IsHidden).Select(c => (c.Name, Kind: KindOf(c, studentPath))).ToArray();
        if (label is not null && columns.All(c => c.Name != label))
            throw CliException.BadInput(
                $"--label {label}: column '{label}' is not one the student was trained on; its columns are: {string.Join(", ", columns.Select(c => c.Name))}.");
        if (label is null && SavedLabelColumn.Find(featurizer, inputSchema) is { } savedLabel)
        {
            label = savedLabel;
            console.WriteLine($"Label: column '{label}', the one the student's label mapping reads (--label names it).");
        }
        var raw = CsvLoading.Load(ml, schema, columns, "--data", Path.GetFileName(studentPath));
        var teacher = TeacherLoader.Load(ml, teacherSource);
        console.WriteLine(
            $"Evaluating {teacherSource.Describe()} and {Path.GetFileName(studentPath)} on {schema.FileName} ({schema.Rows:N0} rows)...");
        var rows = featurizer.Transform(raw);
        var binaryClasses = EvaluationLabelCheck.Check(rows, label, schema.FileName);
        var evaluation = TeacherEvaluation.Evaluate(ml, teacherSource, teacher, null, student, rows, console);
        if (binaryClasses is { } classes)
            evaluation = evaluation with { Teacher = Named(evaluation.Teacher, classes), Student = Named(evaluation.Student, classes) };

        var notes = new List<string>();
        var majority = MajorityClass(ml, rows, binaryClasses, schema.FileName, console, notes);
        var others = majority is null ? Array.Empty<ModelEvaluation>() : [majority];
        console.WriteLine(EvaluationTable.Of(evaluation, others).ToText());
        if (output is not null)
        {
            var files = new[]
            {
                output.WriteText(TrainCommand.ReportFile, new DistillationReport(evaluation)
                {
                    Title = $"{schema.FileName}: {teacherSource.Describe()} → {Path.GetFileName(studentPath)}",
                    OtherModels = others,
                }.ToHtml()),
                output.WriteText(TrainCommand.MetricsFile, MetricsJson.Write(evaluation,
                    majority is null ? new Dictionary<string, ModelEvaluation>()
                        : new Dictionary<string, ModelEvaluation> { ["majorityClass"] = majority },
                    null, notes, Settings(teacherSource, studentPath, dataPath, label))),
            };
            console.WriteLine($"Wrote to {output.Path}: {string.Join(", ", files.Select(Path.GetFileName))}.");
        }
        return evaluation;
    }

    /// <summary>
    /// The saved pipeline's featuriser and student stage, and the schema it reads; a file ML.NET cannot load, or a model
    /// that is not a student distill train wrote, is refused naming --student.
    /// </summary>
    private static (ITransformer Featurizer, ITransformer Student, DataViewSchema InputSchema) LoadStudent(MLContext ml, string studentPath)
    {
        ITransformer model;
        DataViewSchema inputSchema;
        try
        {
            model = ml.Distillation.LoadModel(studentPath, out inputSchema);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw CliException.BadInput($"--student {studentPath}: not a model ML.NET can load: {e.Message.Split('\n')[0]}", e);
        }
        if (model is not TransformerChain<ITransformer> chain || chain.Count() < 2
            || chain.First().GetOutputSchema(inputSchema) is not { } featurised
            || featurised.GetColumnOrNull(Featurization.FeaturesColumn) is null || featurised.GetColumnOrNull(Featurization.LabelColumn) is null)
            throw CliException.BadInput($"--student {studentPath}: not a student that distill train wrote (its first stage must featurise the CSV columns into Features and Label).");
        return (chain.First(), chain.ElementAt(1), inputSchema);
    }

    /// <summary>
    /// The floor every classifier must beat, as train prints it: the constant answering the most common class. Evaluate
    /// has no training rows, so it is the most common class of --data itself (the best constant on these rows). Null for
    /// regression; prints the class balance and warns (into <paramref name="notes"/> too) when it is imbalanced.
    /// </summary>
    private static ModelEvaluation? MajorityClass(MLContext ml, IDataView rows, (string False, string True)? binaryClasses, string fileName,
        CliConsole console, List<string> notes)
    {
        var mapped = rows.Schema[Featurization.LabelColumn];
        if (mapped.Type is not (BooleanDataViewType or KeyDataViewType))
            return null;
        IReadOnlyList<string> names = mapped.Type is BooleanDataViewType
            ? binaryClasses is { } c ? [c.False, c.True] : ["False", "True"]
            : ClassBalance.KeyNames(mapped);
        var balance = ClassBalance.Of(rows, names);
        console.WriteLine($"Classes in {fileName}: {balance.Describe()}.");
        if (balance.Imbalanced)
        {
            string warning = $"Warning: the classes are imbalanced: always answering '{balance.Majority}' scores {balance.MajorityShare:P1} accuracy on these rows, " +
                $"so accuracy flatters a model that rarely predicts '{balance.Minority}'. Compare with {MajorityClassModel.Name(balance)} below.";
            console.WriteLine(warning);
            notes.Add(warning);
        }
        return MajorityClassModel.Evaluate(ml, rows, balance);
    }

    /// <summary>What metrics.json records of the run: the files with their SHA-256 and the versions that measured them.</summary>
    private static object Settings(TeacherSource teacher, string studentPath, string dataPath, string? label)
        => new
        {
            command = "evaluate",
            teacher = teacher.Describe(),
            student = Path.GetFullPath(studentPath),
            studentSha256 = MetricsJson.Sha256(studentPath),
            data = Path.GetFullPath(dataPath),
            dataSha256 = MetricsJson.Sha256(dataPath),
            label,
            versions = MetricsJson.Versions(),
        };

    /// <summary>The model's per-class accuracy with the label's own class names in place of False and True.</summary>
    private static ModelEvaluation Named(ModelEvaluation model, (string False, string True) classes)
        => model with
        {
            PerClassAccuracy = model.PerClassAccuracy
                .Select(c => c with { ClassName = c.ClassName switch { "False" => classes.False, "True" => classes.True, _ => c.ClassName } })
                .ToArray(),
        };

    /// <summary>How to load a column the saved model takes.</summary>
    private static DataKind KindOf(DataViewSchema.Column column, string studentPath)
    {
        var type = column.Type.RawType;
        return type == typeof(float) ? DataKind.Single
            : type == typeof(bool) ? DataKind.Boolean
            : type == typeof(ReadOnlyMemory<char>) ? DataKind.String
            : throw CliException.BadInput($"--student {studentPath}: column '{column.Name}' has type {column.Type}, which a CSV column of distill train never has.");
    }
}
