namespace MLNet.Distillation.Cli;

/// <summary>The process exit codes of <c>distill</c> (documented in docs/articles/cli.md and in <c>distill --help</c>).</summary>
internal static class ExitCodes
{
    /// <summary>Every output was written.</summary>
    public const int Success = 0;

    /// <summary>
    /// Bad arguments or input: an unknown option, a missing or unreadable file, a column that is not in the file, a
    /// value that does not parse.
    /// </summary>
    public const int BadInput = 1;

    /// <summary>The teacher could not be loaded, trained or run, or training the student failed.</summary>
    public const int TrainingFailed = 2;

    /// <summary>An output could not be written (the folder is not writable, or a file exists and <c>--force</c> was not given).</summary>
    public const int OutputFailed = 3;

    /// <summary>Cancelled with Ctrl+C (128 + SIGINT, as shells report it); nothing was written.</summary>
    public const int Cancelled = 130;

    /// <summary>The table printed by <c>distill --help</c>.</summary>
    public const string Description =
        "Exit codes: 0 success; 1 bad arguments or input (option, file, column); 2 teacher or training failure; " +
        "3 output not written (folder not writable, or existing files without --force); 130 cancelled (Ctrl+C).";
}
