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

    /// <summary>The command, wired to <paramref name="run"/> (which maps errors to exit codes).</summary>
    public static Command Create(Func<Func<CliConsole, CancellationToken, int>, int> run)
    {
        var options = new RunOptions();
        var noBaseline = new Option<bool>("--no-baseline")
        {
            Description = "Do not train the same student from labels alone (the report's baseline); halves the training time.",
        };
        var command = new Command("train", "Distil a student from a CSV file and a teacher; write student.zip, student.onnx, report.html, metrics.json and C# consumption code.");
        options.AddTo(command);
        command.Options.Add(noBaseline);
        command.SetAction(result => run((console, cancellation) =>
        {
            Execute(options.Parse(result) with { Baseline = !result.GetValue(noBaseline) }, console, cancellation);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>What a train run produced (tests compare the in-memory model with the saved one).</summary>
    /// <param name="Run">The prepared data and teacher.</param>
    /// <param name="Model">The saved chain: featuriser, student, label mapping.</param>
    /// <param name="Student">The student.</param>
    /// <param name="Evaluation">Teacher and student on the test rows.</param>
    /// <param name="Baseline">The same student trained from labels alone on the test rows, or null with <c>--no-baseline</c>.</param>
    /// <param name="Files">The files written.</param>
    /// <param name="CutShort">Whether <c>--time</c> ended training before its last epoch.</param>
    public sealed record Result(PreparedRun Run, TransformerChain<ITransformer> Model, StudentTransformer Student, DistillationEvaluation Evaluation,
        ModelEvaluation? Baseline, IReadOnlyList<string> Files, bool CutShort);

    /// <summary>Runs <c>distill train</c>.</summary>
    public static Result Execute(RunArguments args, CliConsole console, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string codeFile = ConsumptionCodeWriter.FileName(args.Name);
        var names = new List<string> { StudentFile, OnnxFile, ReportFile, MetricsFile, codeFile };
        if (args.Teacher.Kind == TeacherKind.LightGbm)
            names.Add(TeacherFile);
        var output = OutputFolder.Prepare(args.Out, args.Force, names);

        var run = PreparedRun.Prepare(args, console, cancellation);
        // With a baseline to train as well, the distilled student gets half of what is left of --time, the baseline the rest.
        var (student, cutShort) = TrainStudent(run, args, console, clock, cancellation, "student", teacher: true, budgetShare: args.Baseline ? 0.5 : 1);
        StudentTransformer? baseline = args.Baseline
            ? TrainStudent(run, args, console, clock, cancellation, BaselineName, teacher: false).Student
            : null;

        console.WriteLine();
        console.WriteLine($"Evaluating teacher and student on {run.TestRows:N0} test rows...");
        var evaluation = TeacherEvaluation.Evaluate(run.Ml, args.Teacher, run.Teacher, run.TrainedTeacher, student, run.Test, console);
        console.WriteLine(evaluation.ToTable());
        ModelEvaluation? baselineEvaluation = null;
        if (baseline is not null)
        {
            baselineEvaluation = run.Ml.Distillation.EvaluateModel(baseline, run.Test, BaselineName,
                new EvaluationOptions { LabelColumnName = Featurization.LabelColumn });
            console.WriteLine(BaselineLine(evaluation, baselineEvaluation));
        }

        // Everything is in memory before the first file is written: a failure above leaves --out as it was.
        var model = run.SaveableModel(student);
        var files = new List<string>
        {
            output.Write(StudentFile, run.SavedBytes(model)),
            output.Write(OnnxFile, student.ToOnnx()),
            output.WriteText(ReportFile, new DistillationReport(evaluation)
            {
                Title = $"{run.Plan.Schema.FileName}: {args.Teacher.Describe()} → {student.Architecture} student",
                History = student.TrainingHistory,
                OtherModels = baselineEvaluation is null ? [] : [baselineEvaluation],
            }.ToHtml()),
            output.WriteText(MetricsFile, evaluation.ToJson()),
            output.WriteText(codeFile, ConsumptionCodeWriter.Write(run.Plan, args.Name, StudentFile)),
        };
        if (run.TrainedTeacher is { } teacher)
            files.Add(output.Write(TeacherFile, run.SavedBytes(new TransformerChain<ITransformer>(run.Featurizer, teacher))));
        console.WriteLine($"Wrote to {output.Path}:");
        foreach (var file in files)
            console.WriteLine($"  {Path.GetFileName(file),-28} {new FileInfo(file).Length,12:N0} bytes");
        console.WriteLine($"Done in {ProgressReporter.Clock(clock.Elapsed)}.");
        return new Result(run, model, student, evaluation, baselineEvaluation, files, cutShort);
    }

    /// <summary>How the report and the console name the student trained from labels alone.</summary>
    public const string BaselineName = "student from labels alone";

    /// <summary>The distilled student's primary metric against the baseline's: whether distillation paid, in one line.</summary>
    public static string BaselineLine(DistillationEvaluation evaluation, ModelEvaluation baseline)
    {
        string metric = evaluation.PrimaryMetric;
        double distilled = evaluation.Student.Metric(metric), alone = baseline.Metric(metric);
        bool higherIsBetter = evaluation.Student.Metrics.First(m => m.Name == metric).HigherIsBetter;
        double gain = higherIsBetter ? distilled - alone : alone - distilled;
        string verdict = gain > 0 ? "distillation helped" : gain < 0 ? "distillation did not help" : "no difference";
        return $"Student from labels alone: {metric} {alone:0.0000}; distilled {distilled:0.0000} ({verdict} on these {evaluation.Rows:N0} rows; " +
            "differences of a few rows are noise).";
    }

    /// <summary>
    /// Trains one student with progress on the console, within <c>budgetShare</c> of what is left of <c>--time</c> (counted
    /// from <paramref name="clock"/>'s start); says when the budget cut training short.
    /// </summary>
    public static (StudentTransformer Student, bool CutShort) TrainStudent(PreparedRun run, RunArguments args, CliConsole console, Stopwatch clock,
        CancellationToken cancellation, string title, bool teacher, double budgetShare = 1)
    {
        int epochs = StudentOptions.Epochs(args.Epochs, run.TrainRows);
        var options = StudentOptions.Create(run.Plan.Task, args, epochs, teacher);
        options.CancellationToken = cancellation;
        if (args.Time is TimeSpan time)
        {
            var left = (time - clock.Elapsed) * budgetShare;
            if (left <= TimeSpan.Zero)
                console.WriteLine($"The --time budget ({TimeBudget.Format(time)}) was spent before training started; training runs one epoch.");
            options.MaximumTrainingTime = left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
        }
        var scored = teacher ? run.ScoredTrain(cache: false) : run.Train;
        console.WriteLine($"Training the {title} for {epochs:N0} epochs" +
            (options.MaximumTrainingTime is TimeSpan budget ? $" (or until {TimeBudget.Format(budget)} have passed)" : "") +
            (teacher ? $", T = {options.Temperature:0.##}, alpha = {options.Alpha:0.##}" : "") + "...");
        var student = ProgressReporter.Run(console, title, epochs, progress =>
        {
            options.Progress = progress;
            var trainer = StudentOptions.Trainer(run.Ml, options);
            try
            {
                return (StudentTransformer)trainer.Fit(scored);
            }
            catch (Exception e) when (e is not OperationCanceledException and not CliException)
            {
                throw CliException.TrainingFailed($"training the {title} failed: {e.Message}", e);
            }
        });
        bool cutShort = student.TrainingHistory.Count < epochs;
        if (cutShort)
            console.WriteLine($"Training stopped after {student.TrainingHistory.Count} of {epochs} epochs: the --time budget ({TimeBudget.Format(args.Time!.Value)}) was reached. " +
                $"The {title} keeps epoch {student.BestEpoch}'s weights.");
        var last = student.TrainingHistory[^1];
        console.WriteLine($"{char.ToUpperInvariant(title[0])}{title[1..]}: {student.Architecture}, {student.ParameterCount:N0} parameters, final loss {last.TotalLoss:0.0000}.");
        return (student, cutShort);
    }
}
