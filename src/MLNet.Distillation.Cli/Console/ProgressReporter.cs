using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Shows training progress from the trainer's <see cref="DistillationTrainerOptions.Progress"/> reports: a Spectre.Console
/// progress bar (epoch i/n, loss, elapsed time and ETA) on an interactive console; otherwise plain lines, about ten per
/// run (the first and last epoch, every tenth of the run, and any epoch 10 s after the previous line), so that logs stay short.
/// </summary>
internal static class ProgressReporter
{
    /// <summary>Runs <paramref name="work"/> (a Fit), handing it the progress sink to set in the trainer's options.</summary>
    /// <param name="console">Where to report.</param>
    /// <param name="title">What is training, e.g. "student".</param>
    /// <param name="epochs">Epochs planned.</param>
    /// <param name="work">The training, given the sink.</param>
    public static T Run<T>(CliConsole console, string title, int epochs, Func<IProgress<EpochReport>, T> work)
    {
        if (!console.Interactive)
            return work(new PlainLines(console.Out, title, epochs));
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape($"{title}: epoch 0/{epochs}"), maxValue: epochs);
                var result = work(new Bar(task, title, epochs));
                task.Value = task.MaxValue; // a run cut short by --time still ends its bar
                return result;
            });
    }

    /// <summary>One epoch in words: epoch, loss, training accuracy.</summary>
    public static string Describe(EpochReport report, int epochs)
        => string.Create(CultureInfo.InvariantCulture, $"epoch {report.Epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs}  loss {report.TotalLoss:0.0000}") +
           (report.TrainingAccuracy is double accuracy ? string.Create(CultureInfo.InvariantCulture, $"  train acc {accuracy:P1}") : "");

    /// <summary>A duration as m:ss (or h:mm:ss).</summary>
    public static string Clock(TimeSpan time)
        => time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    /// <summary>Progress written as lines.</summary>
    private sealed class PlainLines(TextWriter output, string title, int epochs) : IProgress<EpochReport>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastLine = TimeSpan.Zero, _firstEpochEnd;
        private readonly int _every = Math.Max(1, epochs / 10);

        public void Report(EpochReport value)
        {
            var now = _clock.Elapsed;
            if (value.Epoch == 1)
                _firstEpochEnd = now;
            if (value.Epoch != 1 && value.Epoch != epochs && value.Epoch % _every != 0 && now - _lastLine < TimeSpan.FromSeconds(10))
                return;
            _lastLine = now;
            // The first epoch carries the warm-up (JIT, libtorch's first calls): the pace is measured from its end.
            string pace = "";
            if (value.Epoch > 1)
            {
                var perEpoch = (now - _firstEpochEnd) / (value.Epoch - 1);
                pace = $"  {perEpoch.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s/epoch" +
                    (value.Epoch < epochs ? $"  ETA {Clock(perEpoch * (epochs - value.Epoch))}" : "");
            }
            output.WriteLine($"  {title}: {Describe(value, epochs)}{pace}");
        }
    }

    /// <summary>Progress drawn as a Spectre.Console bar (thread-safe: the trainer reports from its own thread).</summary>
    private sealed class Bar(ProgressTask task, string title, int epochs) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            task.Description = Markup.Escape($"{title}: {Describe(value, epochs)}");
            task.Value = value.Epoch;
        }
    }
}
