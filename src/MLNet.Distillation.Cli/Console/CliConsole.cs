namespace MLNet.Distillation.Cli;

/// <summary>
/// Where <c>distill</c> writes: results and progress to <see cref="Out"/>, errors to <see cref="Error"/>. Progress bars
/// only when <see cref="Interactive"/> (a terminal, output not redirected); tests, CI and pipes get plain lines.
/// </summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Interactive">Whether to draw Spectre.Console progress bars.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive)
{
    /// <summary>The process's console: progress bars when stdout is a terminal that Spectre.Console can drive.</summary>
    public static CliConsole System()
        => new(global::System.Console.Out, global::System.Console.Error,
            !global::System.Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive
            && Environment.GetEnvironmentVariable("CI") is not ("true" or "1"));

    /// <summary>Writes a line to standard output.</summary>
    public void WriteLine(string line = "") => Out.WriteLine(line);
}
