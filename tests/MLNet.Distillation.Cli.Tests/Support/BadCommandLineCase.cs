namespace MLNet.Distillation.Cli.Tests.Support;

/// <summary>
/// One bad input of the command line's catalogue: the arguments (files written into a fresh folder first), the exit code
/// it must end with, and what its one-line message must name: the flag as the user typed it, the file and line, the
/// column. Refused before any work: nothing trained (no teacher line on stdout) and nothing written to <c>--out</c>.
/// </summary>
/// <param name="Arguments">The command line, given the folder the case's files are in.</param>
/// <param name="ExitCode">The exit code (<see cref="ExitCodes"/>).</param>
/// <param name="Named">Fragments the message must contain.</param>
internal sealed record BadCommandLineCase(Func<TempFolder, string[]> Arguments, int ExitCode, params string[] Named)
{
    /// <summary>A case exiting with <see cref="ExitCodes.BadInput"/>.</summary>
    public static BadCommandLineCase Of(Func<TempFolder, string[]> arguments, params string[] named) => new(arguments, ExitCodes.BadInput, named);

    /// <summary>Runs the case in a fresh folder and checks the exit code, the message and that no work was done.</summary>
    public void Check()
    {
        using var folder = new TempFolder();
        var args = Arguments(folder);
        var before = Directory.GetFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order().ToArray();
        var (code, output, error) = Distill.Run(args);
        Assert.True(code == ExitCode, $"exit code {code}, expected {ExitCode}; stderr: {error}");
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        foreach (var fragment in Named)
            Assert.True(error.Contains(fragment, StringComparison.Ordinal), $"The message does not name '{fragment}':\n{error}");
        Assert.DoesNotContain("Teacher:", output);   // refused before the teacher was trained or loaded
        Assert.Equal(before, Directory.GetFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order().ToArray());   // nothing written
    }
}
