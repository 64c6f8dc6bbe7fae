namespace MLNet.Distillation.Cli;

/// <summary>
/// The <c>--out</c> folder: created when missing; a file already there is overwritten only with <c>--force</c> (checked
/// before any work starts, so a long run never ends in a refusal). Each file is written to a temporary name beside its
/// target and renamed over it, so a reader (or a second run) sees the old file or the new one, never half of one.
/// </summary>
internal sealed class OutputFolder
{
    private OutputFolder(string path) => Path = path;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Checks that <paramref name="files"/> can be written into <paramref name="path"/>; nothing is created yet.</summary>
    /// <param name="path">The <c>--out</c> value.</param>
    /// <param name="force">Whether existing files may be overwritten.</param>
    /// <param name="files">The file names the command will write.</param>
    public static OutputFolder Prepare(string path, bool force, IEnumerable<string> files)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
            throw CliException.OutputFailed($"--out {path}: is a file, not a folder.");
        // A folder where a file is to go cannot be overwritten, --force or not: refused now rather than after the first files are written.
        var folders = files.Where(f => Directory.Exists(System.IO.Path.Combine(full, f))).ToArray();
        if (folders.Length > 0)
            throw CliException.OutputFailed($"--out {path}: {string.Join(", ", folders)} {(folders.Length == 1 ? "is a folder" : "are folders")} there, where distill writes a file of that name; move {(folders.Length == 1 ? "it" : "them")} or choose another folder.");
        var existing = files.Where(f => File.Exists(System.IO.Path.Combine(full, f))).ToArray();
        if (existing.Length > 0 && !force)
            throw CliException.OutputFailed($"--out {path}: already holds {string.Join(", ", existing)}; add --force to overwrite, or choose another folder.");
        CheckWritable(path, full);
        return new OutputFolder(full);
    }

    /// <summary>
    /// Refuses a folder that cannot be written (or created): a temporary file is created and deleted in it, or in the
    /// nearest folder above it that exists when it does not exist yet.
    /// </summary>
    private static void CheckWritable(string path, string full)
    {
        string? existing = full;
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw CliException.OutputFailed($"--out {path}: {existing} is a file, so the folder cannot be created.");
            existing = System.IO.Path.GetDirectoryName(existing);
        }
        if (existing is null)
            throw CliException.OutputFailed($"--out {path}: no folder above it exists.");
        string probe = System.IO.Path.Combine(existing, $".distill-probe.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.OutputFailed($"--out {path}: {(existing == full ? "the folder" : existing)} cannot be written: {e.Message}", e);
        }
    }

    /// <summary>The full path of <paramref name="name"/> in the folder.</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="name"/> whole (temporary name, then rename), creating the folder if needed.</summary>
    public string Write(string name, byte[] content) => Write(name, stream => stream.Write(content));

    /// <summary>Writes UTF-8 text (without a byte-order mark).</summary>
    public string WriteText(string name, string content) => Write(name, new System.Text.UTF8Encoding(false).GetBytes(content));

    /// <summary>Writes <paramref name="name"/> through <paramref name="write"/> (temporary name, then rename).</summary>
    public string Write(string name, Action<Stream> write)
    {
        string target = PathOf(name);
        try
        {
            Directory.CreateDirectory(Path);
            AtomicFile.Write(target, write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.OutputFailed($"--out {Path}: could not write {name}: {e.Message}", e);
        }
        return target;
    }
}
