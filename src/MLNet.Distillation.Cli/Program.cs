using MLNet.Distillation.Cli;

// Ctrl+C cancels the running command (it stops before the next mini-batch and exits with 130, writing nothing);
// a second Ctrl+C ends the process at once.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancellation.IsCancellationRequested)
        return;
    e.Cancel = true;
    cancellation.Cancel();
};
return DistillCli.Run(args, CliConsole.System(), cancellation.Token);
