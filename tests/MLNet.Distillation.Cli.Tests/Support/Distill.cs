namespace MLNet.Distillation.Cli.Tests.Support;

/// <summary>Runs <c>distill</c> in-process with captured output (no progress bars: the console is not interactive).</summary>
internal static class Distill
{
    /// <summary>The shipped CSV files, copied beside the tests.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Runs <c>distill</c> with <paramref name="args"/>; returns the exit code and what it wrote to stdout and stderr.</summary>
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = DistillCli.Run(args, new CliConsole(output, error, Interactive: false), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A console that keeps what is written, for calling commands directly.</summary>
    public static CliConsole Quiet(StringWriter output) => new(output, output, Interactive: false);
}

/// <summary>A folder under the temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "distill-tests-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>The full path of <paramref name="name"/> inside.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file inside and returns its path.</summary>
    public string Write(string name, string content)
    {
        File.WriteAllText(this[name], content);
        return this[name];
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
