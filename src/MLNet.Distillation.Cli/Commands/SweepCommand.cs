using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MLNet.Distillation.Cli;

/// <summary>
/// <c>distill sweep</c>: the temperature and alpha search (<c>mlContext.Distillation.SearchTemperatureAndAlpha</c>): one
/// student per (T, alpha) and one from labels alone, all trained on the same 80 % of the training rows and ranked on the
/// other 20 %; each is also scored on the test rows. Prints the ranked table and writes sweep.json, sweep.md and the best
/// student (student.zip, student.onnx).
/// </summary>
internal static class SweepCommand
{
    /// <summary>The ranked trials as JSON.</summary>
    public const string JsonFile = "sweep.json";

    /// <summary>The ranked trials as a Markdown table.</summary>
    public const string MarkdownFile = "sweep.md";

    /// <summary>The command, wired to <paramref name="run"/>.</summary>
    public static Command Create(Func<Func<CliConsole, CancellationToken, int>, int> run)
    {
        var options = new RunOptions();
        var temperatures = new Option<string>("--temperatures")
        {
            Description = "Temperatures to try, comma-separated (classifiers).",
            DefaultValueFactory = _ => "1,2,4,8"
        };
        var alphas = new Option<string>("--alphas") { Description = "Alphas to try, comma-separated.", DefaultValueFactory = _ => "0.1,0.5,0.9" };
        var command = new Command("sweep", "Search temperature and alpha: one student per pair and one from labels alone, ranked; writes sweep.json, sweep.md and the best student.");
        options.AddTo(command);
        command.Options.Add(temperatures);
        command.Options.Add(alphas);
        command.SetAction(result => run((console, cancellation) =>
        {
            var args = options.Parse(result);
            if (args.Temperature is not null || args.Alpha is not null)
                throw CliException.BadInput($"{(args.Temperature is not null ? "--temperature" : "--alpha")}: sets one student, and sweep searches: give the values to try with --temperatures and --alphas.");
            string temperatureList = result.GetValue(temperatures)!, alphaList = result.GetValue(alphas)!;
            var temperatureValues = RunOptions.ParseFloats(temperatureList, "--temperatures");
            var alphaValues = RunOptions.ParseFloats(alphaList, "--alphas");
            foreach (var t in temperatureValues)
                RunOptions.CheckTemperature(t, "--temperatures", temperatureList);
            foreach (var a in alphaValues)
                RunOptions.CheckAlpha(a, "--alphas", alphaList);
            Execute(args, temperatureValues, alphaValues, console, cancellation);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>One row of the ranked table.</summary>
    /// <param name="Rank">1 for the best.</param>
    /// <param name="Temperature">T, or null for the student from labels alone (and for regression, which has none).</param>
    /// <param name="Alpha">The hard-label weight (1 from labels alone).</param>
    /// <param name="FromLabelsAlone">Whether this student had no teacher.</param>
    /// <param name="Metric">The metric ranked on.</param>
    /// <param name="Validation">The metric on the held-out 20 % of the training rows.</param>
    /// <param name="Test">The same metric on the test rows.</param>
    public sealed record Row(int Rank, float? Temperature, float Alpha, bool FromLabelsAlone, string Metric, double Validation, double Test);

    /// <summary>Runs <c>distill sweep</c>.</summary>
    public static IReadOnlyList<Row> Execute(RunArguments args, float[] temperatures, float[] alphas, CliConsole console,
        CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var output = OutputFolder.Prepare(args.Out, args.Force, [JsonFile, MarkdownFile, TrainCommand.StudentFile, TrainCommand.OnnxFile]);
        var run = PreparedRun.Prepare(args, console, cancellation);
        var task = run.Plan.CliTask;
        if (!task.HasTemperature)
            temperatures = [DistillationTrainerOptions.ForTask(task.Kind).Temperature];

        var scored = run.ScoredTrain(cache: true);
        var search = new DistillationSearchOptions { Temperatures = temperatures, Alphas = alphas, Seed = args.Seed };
        int trials = 1 + temperatures.Distinct().Count() * alphas.Distinct().Count();
        long searchRows = (long)Math.Round(run.TrainRows * (1 - search.ValidationFraction));
        int epochs = StudentOptions.Epochs(task.Kind, args.Epochs, searchRows);
        var options = StudentOptions.Create(task, args, epochs);
        options.CancellationToken = cancellation;
        if (args.Time is TimeSpan time)
            options.MaximumTrainingTime = (time - clock.Elapsed) / trials is var each && each > TimeSpan.Zero ? each : TimeSpan.FromTicks(1);
        console.WriteLine($"Sweeping {trials} students ({(task.HasTemperature ? $"T in {{{string.Join(", ", temperatures)}}} × " : "")}alpha in " +
            $"{{{string.Join(", ", alphas)}}}, plus one from labels alone), {epochs:N0} epochs each" +
            (options.MaximumTrainingTime is TimeSpan budget ? $" or {TimeBudget.Format(budget)} each" : "") +
            $", on {1 - search.ValidationFraction:P0} of the training rows; ranked on the other {search.ValidationFraction:P0}.");

        DistillationSearchResult result = ProgressReporter.Run(console, "sweep", trials * epochs, progress =>
        {
            int done = 0;
            options.Progress = new Relay(report => progress.Report(report with { Epoch = ++done }));
            StudentOptions.Trainer(run.Ml, options); // refuses bad settings before the first trial
            try
            {
                return run.Ml.Distillation.SearchTemperatureAndAlpha(scored, options, search);
            }
            catch (Exception e) when (e is not OperationCanceledException and not CliException)
            {
                throw CliException.TrainingFailed($"the sweep failed: {e.Message}", e);
            }
        });

        var rows = result.Trials.Select((trial, i) => new Row(i + 1, trial.FromLabelsAlone || !task.HasTemperature ? null : trial.Temperature,
            trial.Alpha, trial.FromLabelsAlone, trial.Metric, trial.Score, TestScore(run, trial.Student))).ToArray();
        string table = Table(rows, markdown: false);
        console.WriteLine();
        console.WriteLine(table);
        console.WriteLine(Verdict(rows, run.TrainRows - searchRows));

        var best = run.SaveableModel(result.Best.Student);
        var files = new[]
        {
            output.WriteText(JsonFile, Json(run, rows, epochs, searchRows) + "\n"),
            output.WriteText(MarkdownFile, $"# T/alpha sweep on {run.Plan.Schema.FileName}\n\n{Table(rows, markdown: true)}\n"),
            output.Write(TrainCommand.StudentFile, run.SavedBytes(best)),
            output.Write(TrainCommand.OnnxFile, result.Best.Student.ToOnnx()),
        };
        console.WriteLine($"Wrote to {output.Path}: {string.Join(", ", files.Select(Path.GetFileName))} (the best student, trained on {searchRows:N0} rows).");
        console.WriteLine($"Done in {ProgressReporter.Clock(clock.Elapsed)}.");
        return rows;
    }

    /// <summary>
    /// What the ranking says: the best setting, or that labels alone won, or that several students tie at the top (a tie is
    /// not a ranking: said so rather than crowning the first of equals; the search keeps the grid's order among them).
    /// </summary>
    private static string Verdict(Row[] rows, long validationRows)
    {
        int tied = rows.Count(r => r.Validation == rows[0].Validation);
        if (tied > 1)
            return $"{tied} students tie at the top ({rows[0].Metric} {rows[0].Validation:0.0000} on about {validationRows} validation rows), so these rows cannot tell them apart; " +
                $"the first of them ({Setting(rows[0])}) is kept. Compare the test column, or sweep with more rows.";
        return rows[0].FromLabelsAlone
            ? "The student from labels alone ranked first: distillation did not help on these rows."
            : $"Best: {Setting(rows[0])}; the student from labels alone ranked {rows.First(r => r.FromLabelsAlone).Rank} of {rows.Length}.";
    }

    /// <summary>sweep.json: the data, task, metric, row counts and every trial.</summary>
    private static string Json(PreparedRun run, Row[] rows, int epochs, long searchRows) => JsonSerializer.Serialize(new
    {
        data = run.Plan.Schema.FileName,
        task = run.Plan.CliTask.Name,
        metric = rows[0].Metric,
        epochs,
        trainingRows = searchRows,
        validationRows = run.TrainRows - searchRows,
        testRows = run.TestRows,
        trials = rows,
    }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    /// <summary>The search's metric (AUC, micro accuracy, R²) on the test rows.</summary>
    private static double TestScore(PreparedRun run, StudentTransformer student)
        => run.Plan.CliTask.SearchScore(run.Ml, student.Transform(run.Test));

    private static string Setting(Row row)
        => row.FromLabelsAlone ? "labels alone" : row.Temperature is float t ? $"T = {t.ToString(CultureInfo.InvariantCulture)}, alpha = {row.Alpha.ToString(CultureInfo.InvariantCulture)}" : $"alpha = {row.Alpha.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The ranked table, aligned for the console or as Markdown.</summary>
    public static string Table(IReadOnlyList<Row> rows, bool markdown)
    {
        string metric = rows.Count > 0 ? rows[0].Metric : "score";
        string[] header = ["rank", "student", $"{metric} (validation)", $"{metric} (test)"];
        var cells = rows.Select(r => new[]
        {
            r.Rank.ToString(CultureInfo.InvariantCulture), Setting(r),
            r.Validation.ToString("0.0000", CultureInfo.InvariantCulture), r.Test.ToString("0.0000", CultureInfo.InvariantCulture),
        }).ToArray();
        var text = new StringBuilder();
        if (markdown)
        {
            text.Append("| ").AppendJoin(" | ", header).Append(" |\n|---:|---|---:|---:|\n");
            foreach (var row in cells)
                text.Append("| ").AppendJoin(" | ", row).Append(" |\n");
            return text.ToString().TrimEnd('\n');
        }
        var widths = header.Select((h, c) => Math.Max(h.Length, cells.Length == 0 ? 0 : cells.Max(r => r[c].Length))).ToArray();
        string Format(string[] row) => string.Join("  ", row.Select((cell, c) => c == 1 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c])));
        text.Append(Format(header)).Append('\n');
        foreach (var row in cells)
            text.Append(Format(row)).Append('\n');
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>Hands reports on synchronously (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class Relay(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
