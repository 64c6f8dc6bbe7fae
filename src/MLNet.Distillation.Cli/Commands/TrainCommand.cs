using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Reporting;

namespace MLNet.Distillation.Cli;

/// <summary>
/// <c>distill train</c>: featurise a CSV file, get the teacher, distil a student, evaluate both on held-out rows and write
/// student.zip, student.onnx, report.html, metrics.json and the consumption code (and teacher.zip for a LightGbm teacher).
/// Everything is computed before the first file is written, and each file is written whole.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The student model file.</summary>
    public const string StudentFile = "student.zip";

    /// <summary>The student's ONNX export.</summary>
    public const string OnnxFile = "student.onnx";

    /// <summary>The HTML report.</summary>
    public const string ReportFile = "report.html";

    /// <summary>The evaluation as JSON.</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>The LightGbm teacher with its featuriser (only with <c>--teacher lightgbm</c>).</summary>
    public const string TeacherFile = "teacher.zip";

    /// <summary>Seeds the verdict trains each student with when <c>--seeds</c> is not given: the fewest that show a spread.</summary>
    public const int DefaultSeeds = 3;

    /// <summary>The command, wired to <paramref name="run"/> (which maps errors to exit codes).</summary>
    public static Command Create(Func<Func<CliConsole, CancellationToken, int>, int> run)
    {
        var options = new RunOptions();
        var noBaseline = new Option<bool>("--no-baseline")
        {
            Description = "Do not train the same student from labels alone (the report's baseline); halves the training time.",
        };
        var seeds = new Option<int?>("--seeds")
        {
            Description = $"Seeds the verdict trains each student with (--seed, --seed + 1, ...), to tell a gain from seed noise; default {DefaultSeeds}. The files are the --seed student's.",
        };
        var metric = new Option<string?>("--metric")
        {
            Description = "The metric the verdict compares students on (a name from the evaluation table, or auc, f1, minority-f1, rmse, mae, r2); " +
                "default: the task's primary metric, or on imbalanced classes F1 of the minority class (binary) or MacroF1 (multiclass).",
        };
        var shards = new Option<string?>(ShardedTrainingRows.Flag)
        {
            Description = "A folder of shards that 'distill score' workers wrote from --data with --teacher (an ML.NET model .zip): the training rows' teacher outputs " +
                "are read from there instead of scored here. The folder must hold every shard of one job (a missing, repeated or foreign shard is refused by name).",
        };
        var command = new Command("train", "Distil a student from a CSV file and a teacher; write student.zip, student.onnx, report.html, metrics.json and C# consumption code.");
        options.AddTo(command);
        command.Options.Add(noBaseline);
        command.Options.Add(seeds);
        command.Options.Add(metric);
        command.Options.Add(shards);
        command.SetAction(result => run((console, cancellation) =>
        {
            bool baseline = !result.GetValue(noBaseline);
            int? seedCount = result.GetValue(seeds);
            if (seedCount is < 1)
                throw CliException.BadInput($"--seeds {RunOptions.Text(result, seeds)}: must be at least 1.");
            if (seedCount is not null && !baseline)
                throw CliException.BadInput($"--seeds {seedCount}: the seeds are for the verdict against the student from labels alone, which --no-baseline leaves out; give one or the other.");
            if (result.GetValue(metric) is not null && !baseline)
                throw CliException.BadInput($"--metric {result.GetValue(metric)}: the metric is the verdict's against the student from labels alone, which --no-baseline leaves out; give one or the other.");
            var parsed = options.Parse(result) with
            {
                Baseline = baseline,
                Seeds = baseline ? seedCount ?? DefaultSeeds : 1,
                Metric = result.GetValue(metric),
                Shards = result.GetValue(shards)
            };
            if (parsed.Shards is not null)
                ShardedTrainingRows.CheckTeacher(parsed.Teacher);
            Execute(parsed, console, cancellation);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>What a train run produced (tests compare the in-memory model with the saved one).</summary>
    /// <param name="Run">The prepared data and teacher.</param>
    /// <param name="Model">The saved chain: featuriser, student, label mapping.</param>
    /// <param name="Student">The student (of <c>--seed</c>).</param>
    /// <param name="Evaluation">Teacher and student on the test rows, classes named as the label column writes them.</param>
    /// <param name="Baseline">The same student trained from labels alone (of <c>--seed</c>) on the test rows, or null
    /// with <c>--no-baseline</c>.</param>
    /// <param name="BaselineStudent">That student, or null with <c>--no-baseline</c>.</param>
    /// <param name="MajorityClass">The model that always answers the training rows' majority class, on the test rows (classifiers), or null.</param>
    /// <param name="Comparison">The verdict over the seeds, or null with <c>--no-baseline</c>.</param>
    /// <param name="History">The student's training history as the console and the report show it (the binary soft-target term's KL part).</param>
    /// <param name="Notes">The warnings and notes printed after the evaluation.</param>
    /// <param name="Files">The files written.</param>
    /// <param name="CutShort">Whether <c>--time</c> ended training before its last epoch.</param>
    public sealed record Result(PreparedRun Run, TransformerChain<ITransformer> Model, StudentTransformer Student, DistillationEvaluation Evaluation,
        ModelEvaluation? Baseline, StudentTransformer? BaselineStudent, ModelEvaluation? MajorityClass, StudentComparison? Comparison,
            IReadOnlyList<EpochReport> History,
        IReadOnlyList<string> Notes, IReadOnlyList<string> Files, bool CutShort);

    /// <summary>How the report and the console name the student trained from labels alone.</summary>
    public const string BaselineName = "student from labels alone";

    /// <summary>Runs <c>distill train</c>.</summary>
    public static Result Execute(RunArguments args, CliConsole console, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string codeFile = ConsumptionCodeWriter.FileName(args.Name);
        var output = OutputFolder.Prepare(args.Out, args.Force, OutputFiles(args, codeFile));

        var run = PreparedRun.Prepare(args, console, cancellation);
        var task = run.Plan.CliTask;
        var notes = new List<string>();
        var balance = task.HasClasses ? TrainingBalance(run, console, notes) : null;
        var metric = args.Baseline ? VerdictMetric.Choose(args.Metric, task.Kind, balance) : null;
        if (metric is not null)
            console.WriteLine($"Verdict metric: {metric.Describe()} ({metric.Reason}{(args.Metric is null ? "; --metric changes it" : "")}).");
        var stopping = EarlyStopping.Split(run, args);
        console.WriteLine(stopping.Describe());
        var students = TrainAll(run, args, stopping, console, clock, cancellation);
        var student = students.Main.Student;

        var (evaluation, baselineEvaluation) = Evaluate(run, args, students, console);
        var majority = balance is null ? null : MajorityClassModel.Evaluate(run.Ml, run.Test, balance);
        var others = new[] { baselineEvaluation, majority }.OfType<ModelEvaluation>().ToArray();
        console.WriteLine(EvaluationTable.Of(evaluation, others).ToText());

        if (balance is { Imbalanced: true } && task.NotesMinorityPredictions)
            MinorityNotes(balance, evaluation, baselineEvaluation, console, notes);
        var comparison = metric is not null && baselineEvaluation is not null
            ? Compare(run, metric, students, evaluation, baselineEvaluation, majority, console, notes)
            : null;
        var predictions = task.ReportsPredictions ? Predictions(run, evaluation, student, students.Baseline?.Student, console, notes) : [];

        // Everything is in memory before the first file is written: a failure above leaves --out as it was.
        var model = run.SaveableModel(student);
        var files = new List<string>
        {
            output.Write(StudentFile, run.SavedBytes(model)),
            output.Write(OnnxFile, student.ToOnnx()),
            output.WriteText(ReportFile, new DistillationReport(evaluation)
            {
                Title = $"{run.Plan.Schema.FileName}: {args.Teacher.Describe()} → {student.Architecture} student",
                History = students.Main.History,
                OtherModels = others,
                Predictions = predictions,
            }.ToHtml()),
            output.WriteText(MetricsFile, MetricsJson.Write(evaluation,
                new[] { ("baseline", baselineEvaluation), ("majorityClass", majority) }.Where(m => m.Item2 is not null)
                    .ToDictionary(m => m.Item1, m => m.Item2!),
                comparison, notes, Settings(args, run, stopping, students.Main.Options, metric, students.Seeds))),
            output.WriteText(codeFile, ConsumptionCodeWriter.Write(run.Plan, args.Name, StudentFile)),
        };
        if (run.TrainedTeacher is { } teacher)
            files.Add(output.Write(TeacherFile, run.SavedBytes(new TransformerChain<ITransformer>(run.Featurizer, teacher))));
        PrintWritten(console, output.Path, files, clock);
        return new Result(run, model, student, evaluation, baselineEvaluation, students.Baseline?.Student, majority, comparison,
            students.Main.History, notes, files, students.Main.CutShort);
    }

    /// <summary>The files <c>distill train</c> writes into <c>--out</c> (the teacher's only when it trained one).</summary>
    private static string[] OutputFiles(RunArguments args, string codeFile)
        => [StudentFile, OnnxFile, ReportFile, MetricsFile, codeFile,
            .. args.Teacher.Kind == TeacherKind.LightGbm ? [TeacherFile] : Array.Empty<string>()];

    /// <summary>Teacher and student, and the student from labels alone when one was trained, evaluated on the test rows with class names.</summary>
    private static (DistillationEvaluation Evaluation, ModelEvaluation? Baseline) Evaluate(PreparedRun run, RunArguments args,
        TrainedStudents students, CliConsole console)
    {
        console.WriteLine();
        console.WriteLine($"Evaluating on {run.TestRows:N0} test rows...");
        var student = students.Main.Student;
        var evaluation = TeacherEvaluation.Evaluate(run.Ml, args.Teacher, run.Teacher, run.TrainedTeacher, student, run.Test, console);
        var options = new EvaluationOptions { LabelColumnName = Featurization.LabelColumn };
        var baseline = students.Baseline is null ? null
            : ClassNames(run.Ml.Distillation.EvaluateModel(students.Baseline.Student, run.Test, BaselineName, options), run.Plan);
        return (ClassNames(evaluation, run.Plan), baseline);
    }

    /// <summary>The training rows' class balance, printed; a warning (into <paramref name="notes"/> too) when it is imbalanced.</summary>
    private static ClassBalance TrainingBalance(PreparedRun run, CliConsole console, List<string> notes)
    {
        var balance = ClassBalance.Of(run.Train, run.Plan);
        console.WriteLine($"Classes in the training rows: {balance.Describe()}.");
        if (balance.Imbalanced)
            Note(console, notes, "Warning", $"the classes are imbalanced: always answering '{balance.Majority}' scores {balance.MajorityShare:P1} accuracy, " +
                $"so accuracy flatters a student that rarely predicts '{balance.Minority}'. Compare with the majority class (always '{balance.Majority}') below.");
        return balance;
    }

    /// <summary>How often each model predicts the minority class, beside how many test rows are of it (imbalanced binary tasks).</summary>
    private static void MinorityNotes(ClassBalance balance, DistillationEvaluation evaluation, ModelEvaluation? baselineEvaluation,
        CliConsole console, List<string> notes)
    {
        long minorityRows = evaluation.Student.PerClassAccuracy.First(c => c.ClassName == balance.Minority).Rows;
        foreach (var measured in new[] { evaluation.Student, baselineEvaluation }.OfType<ModelEvaluation>())
            Note(console, notes, "Note", $"the {measured.Name} predicts '{balance.Minority}' (the minority class) for {VerdictMetric.PredictedAs(measured, balance.Minority):N0} " +
                $"of {evaluation.Rows:N0} test rows; {minorityRows:N0} are '{balance.Minority}'.");
    }

    /// <summary>The files written, with their sizes, and the run's time.</summary>
    private static void PrintWritten(CliConsole console, string folder, List<string> files, Stopwatch clock)
    {
        console.WriteLine($"Wrote to {folder}:");
        foreach (var file in files)
            console.WriteLine($"  {Path.GetFileName(file),-28} {new FileInfo(file).Length,12:N0} bytes");
        console.WriteLine($"Done in {ProgressReporter.Clock(clock.Elapsed)}.");
    }

    /// <summary>Every student the verdict needs, and the seeds they were trained with.</summary>
    /// <param name="Main">The distilled student of <c>--seed</c>: trained with progress, saved and reported in full.</param>
    /// <param name="Baseline">The student from labels alone of <c>--seed</c>, or null with <c>--no-baseline</c>.</param>
    /// <param name="Further">Each further seed's pair, trained quietly.</param>
    /// <param name="Seeds">Every seed.</param>
    private sealed record TrainedStudents(TrainedStudent Main, TrainedStudent? Baseline,
        IReadOnlyList<(int Seed, StudentTransformer Distilled, StudentTransformer FromLabelsAlone)> Further, int[] Seeds);

    /// <summary>Trains the distilled student and the one from labels alone for each seed, sharing out the <c>--time</c> budget.</summary>
    private static TrainedStudents TrainAll(PreparedRun run, RunArguments args, EarlyStopping stopping, CliConsole console, Stopwatch clock,
        CancellationToken cancellation)
    {
        var seeds = Enumerable.Range(args.Seed, args.Baseline ? args.Seeds : 1).ToArray();
        int trainings = seeds.Length * (args.Baseline ? 2 : 1);
        var scored = run.Scored(stopping.Rows, cache: true);
        var main = TrainStudent(run, args, stopping, scored, console, clock, cancellation, "student", teacher: true, args.Seed, trainings--,
            quiet: false);
        var baseline = args.Baseline
            ? TrainStudent(run, args, stopping, scored, console, clock, cancellation, BaselineName, teacher: false, args.Seed, trainings--,
                quiet: false)
            : null;
        var further = new List<(int Seed, StudentTransformer Distilled, StudentTransformer FromLabelsAlone)>();
        foreach (int seed in seeds.Skip(1))
        {
            var distilled = TrainStudent(run, args, stopping, scored, console, clock, cancellation, "student", teacher: true, seed, trainings--,
                quiet: true);
            var alone = TrainStudent(run, args, stopping, scored, console, clock, cancellation, BaselineName, teacher: false, seed, trainings--,
                quiet: true);
            console.WriteLine($"  seed {seed}: both students trained (best epochs {distilled.Student.BestEpoch} and {alone.Student.BestEpoch}).");
            further.Add((seed, distilled.Student, alone.Student));
        }
        return new TrainedStudents(main, baseline, further, seeds);
    }

    /// <summary>The verdict over the seeds on <paramref name="metric"/>, printed with its warnings.</summary>
    private static StudentComparison Compare(PreparedRun run, VerdictMetric metric, TrainedStudents students, DistillationEvaluation evaluation,
        ModelEvaluation baselineEvaluation, ModelEvaluation? majority, CliConsole console, List<string> notes)
    {
        var quiet = new EvaluationOptions { LabelColumnName = Featurization.LabelColumn, MeasureSpeed = false };
        double Measure(StudentTransformer model) => metric.Of(ClassNames(run.Ml.Distillation.EvaluateModel(model, run.Test, "seed", quiet),
            run.Plan));
        var comparison = new StudentComparison(metric, students.Seeds,
            [metric.Of(evaluation.Student), .. students.Further.Select(f => Measure(f.Distilled))],
            [metric.Of(baselineEvaluation), .. students.Further.Select(f => Measure(f.FromLabelsAlone))],
            majority is null ? null : metric.Of(majority), majority?.Name, evaluation.Rows);
        foreach (var line in comparison.Lines())
            console.WriteLine(line);
        foreach (var warning in comparison.Warnings(evaluation))
            Note(console, notes, "Warning", warning);
        return comparison;
    }

    /// <summary>
    /// The models' predictions on the test rows for the report's charts (regression), with a note for a student whose
    /// predictions leave the training range.
    /// </summary>
    private static IReadOnlyList<PredictedValues> Predictions(PreparedRun run, DistillationEvaluation evaluation, StudentTransformer student,
        StudentTransformer? baseline, CliConsole console, List<string> notes)
    {
        var range = PredictionRange.Of(run.Train);
        var actual = run.Test.GetColumn<float>(Featurization.LabelColumn).ToArray();
        var teacherScores = TeacherPredictions(run);
        var studentScores = student.Transform(run.Test).GetColumn<float>(DefaultColumnNames.Score).ToArray();
        var baselineScores = baseline?.Transform(run.Test).GetColumn<float>(DefaultColumnNames.Score).ToArray();
        foreach (var (name, values) in new[] { ("student", studentScores), (BaselineName, baselineScores) })
            if (values is not null && range.Note(name, values) is string note)
                Note(console, notes, "Note", note);
        return
        [
            new PredictedValues(evaluation.Teacher.Name, actual, teacherScores),
            new PredictedValues(evaluation.Student.Name, actual, studentScores),
            .. baselineScores is null ? Array.Empty<PredictedValues>() : [new PredictedValues(BaselineName, actual, baselineScores)],
        ];
    }

    /// <summary>Prints a warning or note and keeps it for metrics.json.</summary>
    private static void Note(CliConsole console, List<string> notes, string kind, string text)
    {
        console.WriteLine($"{kind}: {text}");
        notes.Add($"{kind}: {text}");
    }

    /// <summary>
    /// The evaluation with the classes named as the label column writes them (a binary label's are <c>False</c> and
    /// <c>True</c> otherwise).
    /// </summary>
    public static DistillationEvaluation ClassNames(DistillationEvaluation evaluation, Featurization plan)
        => evaluation with { Teacher = ClassNames(evaluation.Teacher, plan), Student = ClassNames(evaluation.Student, plan) };

    /// <inheritdoc cref="ClassNames(DistillationEvaluation, Featurization)"/>
    public static ModelEvaluation ClassNames(ModelEvaluation model, Featurization plan)
        => model with { PerClassAccuracy = model.PerClassAccuracy.Select(c => c with { ClassName = plan.ClassName(c.ClassName) }).ToArray() };

    /// <summary>The teacher's predictions on the test rows (regression: its output is the prediction).</summary>
    private static float[] TeacherPredictions(PreparedRun run)
    {
        var scored = run.Scored(run.Test, cache: false);
        return scored.GetColumn<VBuffer<float>>(DefaultColumnNames.TeacherLogits).Select(v => v.GetItemOrDefault(0)).ToArray();
    }

    /// <summary>The run's settings as metrics.json records them: every option as used, the data's SHA-256 and the versions.</summary>
    private static object Settings(RunArguments args, PreparedRun run, EarlyStopping stopping, DistillationTrainerOptions options,
        VerdictMetric? metric, int[] seeds)
        => new
        {
            command = "train",
            data = Path.GetFullPath(args.Data),
            dataSha256 = MetricsJson.Sha256(args.Data),
            shards = args.Shards is null ? null : Path.GetFullPath(args.Shards),
            test = args.Test is null ? null : Path.GetFullPath(args.Test),
            testSha256 = args.Test is null ? null : MetricsJson.Sha256(args.Test),
            holdOutFraction = args.Test is null ? args.HoldOutFraction : (double?)null,
            label = args.Label,
            task = run.Plan.CliTask.Name,
            taskInferred = args.Task is null,
            positiveClass = run.Plan.PositiveClass,
            negativeClass = run.Plan.NegativeClass,
            teacher = args.Teacher.Describe(),
            teacherPath = args.Teacher.Path,
            trainingRows = stopping.TrainingRows,
            validationRows = stopping.ValidationRows,
            testRows = run.TestRows,
            epochs = stopping.Epochs,
            earlyStoppingPatience = stopping.Patience,
            temperature = run.Plan.CliTask.HasTemperature ? options.Temperature : (float?)null,
            alpha = options.Alpha,
            student = options.Student.GetType().Name,
            hiddenLayers = (options.Student as MlpStudent)?.HiddenLayers,
            batchSize = options.BatchSize,
            learningRate = options.LearningRate,
            seed = args.Seed,
            seeds,
            metric = metric?.Describe(),
            baseline = args.Baseline,
            time = args.Time?.ToString(),
            header = args.Header,
            name = args.Name,
            versions = MetricsJson.Versions(),
        };

    /// <summary>One trained student, the options it trained with and its history as shown.</summary>
    public sealed record TrainedStudent(StudentTransformer Student, DistillationTrainerOptions Options, IReadOnlyList<EpochReport> History,
        bool CutShort);

    /// <summary>
    /// Trains one student on <paramref name="stopping"/>'s rows with its validation rows and patience, within an equal share
    /// of what is left of <c>--time</c> (counted from <paramref name="clock"/>'s start) among the <paramref name="trainingsLeft"/>
    /// trainings still to run; with progress on the console unless <paramref name="quiet"/>, and a line when the budget cut it short.
    /// </summary>
    public static TrainedStudent TrainStudent(PreparedRun run, RunArguments args, EarlyStopping stopping, IDataView scored, CliConsole console,
        Stopwatch clock, CancellationToken cancellation, string title, bool teacher, int seed, int trainingsLeft, bool quiet)
    {
        int epochs = stopping.Epochs;
        var options = StudentOptions.Create(run.Plan.CliTask, args with { Seed = seed }, epochs, teacher);
        options.CancellationToken = cancellation;
        options.EarlyStoppingPatience = stopping.Patience;
        if (args.Time is TimeSpan time)
        {
            var left = (time - clock.Elapsed) / Math.Max(1, trainingsLeft);
            if (left <= TimeSpan.Zero && !quiet)
                console.WriteLine($"The --time budget ({TimeBudget.Format(time)}) was spent before training started; training runs one epoch.");
            options.MaximumTrainingTime = left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
        }
        var rows = teacher ? scored : stopping.Rows;
        var entropy = teacher ? SoftTargetEntropy.For(run.Plan.CliTask, scored, options) : null;
        EpochReport Shown(EpochReport report) => entropy?.KLPart(report) ?? report;
        if (!quiet)
            console.WriteLine($"Training the {title} for up to {epochs:N0} epochs" +
                (options.MaximumTrainingTime is TimeSpan budget ? $" (or until {TimeBudget.Format(budget)} have passed)" : "") +
                (teacher && run.Plan.CliTask.HasTemperature ? $", T = {options.Temperature:0.##}" : "") +
                (teacher ? $", alpha = {options.Alpha:0.##}" : "") +
                (entropy is null ? "" : "; the loss shown is the soft-target term's KL part (the teacher's constant entropy removed, so it can reach 0)") + "...");
        StudentTransformer Fit(IProgress<EpochReport>? progress)
        {
            options.Progress = progress is null ? null : new Relay(report => progress.Report(Shown(report)));
            var trainer = StudentOptions.Trainer(run.Ml, options);
            try
            {
                return trainer.Fit(rows, stopping.Validation);
            }
            catch (Exception e) when (e is not OperationCanceledException and not CliException)
            {
                throw CliException.TrainingFailed($"training the {title} (seed {seed}) failed: {e.Message}", e);
            }
        }
        var student = quiet ? Fit(null) : ProgressReporter.Run(console, title, epochs, Fit);
        var history = student.TrainingHistory.Select(Shown).ToArray();
        bool stoppedEarly = stopping.Patience is not null && history.Length < epochs;
        bool cutShort = options.MaximumTrainingTime is not null && history.Length < epochs && !EarlyStopped(student, stopping);
        if (cutShort && !quiet)
            console.WriteLine($"Training stopped after {history.Length} of {epochs} epochs: the --time budget ({TimeBudget.Format(args.Time!.Value)}) was reached. " +
                $"The {title} keeps epoch {student.BestEpoch}'s weights.");
        if (!quiet)
            console.WriteLine($"{char.ToUpperInvariant(title[0])}{title[1..]}: {student.Architecture}, {student.ParameterCount:N0} parameters, " +
                (stopping.Validation is null ? "" : $"best epoch {student.BestEpoch} of {history.Length}{(stoppedEarly && !cutShort ? " (stopped early)" : "")}, ") +
                $"final loss {history[^1].TotalLoss:0.0000}.");
        return new TrainedStudent(student, options, history, cutShort);
    }

    /// <summary>Whether training ended because the validation result stopped improving (rather than the time budget).</summary>
    private static bool EarlyStopped(StudentTransformer student, EarlyStopping stopping)
        => stopping.Patience is int patience && student.TrainingHistory.Count - student.BestEpoch >= patience;

    /// <summary>Hands reports on synchronously (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class Relay(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
