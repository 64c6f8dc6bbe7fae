using System.CommandLine;

namespace MLNet.Distillation.Cli;

/// <summary>
/// The <c>distill</c> command line: parses the arguments, runs the command and turns every failure into one line on
/// stderr and an exit code (<see cref="ExitCodes"/>); <c>--verbose</c> adds the exception's details. Runs in-process for
/// tests: give it the writers to use.
/// </summary>
internal static partial class DistillCli
{
    /// <summary>Runs <c>distill</c> with <paramref name="args"/>; returns the exit code.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="console">Where to write.</param>
    /// <param name="cancellation">Cancelled on Ctrl+C.</param>
    public static int Run(string[] args, CliConsole console, CancellationToken cancellation)
    {
        var verbose = new Option<bool>("--verbose") { Description = "On failure, print the exception's details (stack trace) after the one-line error.", Recursive = true };
        int exitCode = ExitCodes.Success;
        int Guard(Func<CliConsole, CancellationToken, int> action) => exitCode = Execute(action, console, cancellation, verbose: args.Contains("--verbose"));

        var root = new RootCommand("distill: knowledge distillation for ML.NET from the command line (MLNet.Distillation). " + ExitCodes.Description)
        {
            TrainCommand.Create(Guard),
            EvaluateCommand.Create(Guard),
            SweepCommand.Create(Guard),
            ScoreCommand.Create(Guard),
        };
        root.Options.Add(verbose);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command == root ? "distill" : $"distill {parsed.CommandResult.Command.Name}";
            console.Error.WriteLine($"error: {parsed.Errors[0].Message} (see '{command} --help')");
            return ExitCodes.BadInput;
        }
        int invoked = parsed.Invoke(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // Ctrl+C is ours: it cancels training, which then exits with 130
        });
        return exitCode != ExitCodes.Success ? exitCode : invoked;
    }

    /// <summary>Runs one command, mapping exceptions to exit codes and one-line messages.</summary>
    private static int Execute(Func<CliConsole, CancellationToken, int> action, CliConsole console, CancellationToken cancellation, bool verbose)
    {
        try
        {
            return action(console, cancellation);
        }
        catch (CliException e)
        {
            Report(console, e.Message, e.InnerException ?? e, verbose);
            return e.ExitCode;
        }
        catch (OperationCanceledException e)
        {
            Report(console, "cancelled; nothing was written.", e, verbose);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(console, e.Message, e, verbose);
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            // Not an error distill knows how to describe: the message of the library or ML.NET, on one line.
            Report(console, $"{FirstLine(e.Message)}{(verbose ? "" : " (run with --verbose for details)")}", e, verbose);
            return ExitCodes.TrainingFailed;
        }
    }

    private static void Report(CliConsole console, string message, Exception exception, bool verbose)
    {
        console.Error.WriteLine($"error: {FirstLine(message)}");
        if (verbose)
            console.Error.WriteLine(exception.ToString());
    }

    /// <summary>
    /// The first line of a message (ML.NET's may carry a second), without the " (Parameter 'name')" that .NET appends to an
    /// argument exception's message: the name is a method's parameter, which the user never typed.
    /// </summary>
    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return ParameterName().Replace(end < 0 ? message : message[..end], "").Trim();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial System.Text.RegularExpressions.Regex ParameterName();
}
