using System.Diagnostics;
using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// Writes files so that readers see the old content or the new, never half of either: the content goes to a temporary
/// file beside the target (named after the target and the writing process), which is then renamed over the target.
/// A process killed mid-write leaves its temporary behind; the next write of the same target removes temporaries whose
/// process is gone. Errors name the target, not the temporary.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Writes through <paramref name="write"/> to a temporary file beside <paramref name="path"/>, then renames it over
    /// <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{directory}' does not exist.");
        string name = Path.GetFileName(full);
        RemoveStaleTemporaries(directory, name);
        var temp = Path.Combine(directory, $".{name}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Could not write '{path}': {e.Message.Replace(temp, path, StringComparison.Ordinal)}", e);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Deletes <c>.NAME.PID.GUID.tmp</c> files of this target whose writing process no longer runs.</summary>
    internal static void RemoveStaleTemporaries(string directory, string name)
    {
        foreach (var file in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
        {
            var parts = Path.GetFileName(file)[(name.Length + 2)..].Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || IsRunning(pid))
                continue;
            try { File.Delete(file); }
            catch (IOException) { } // another writer got there first
            catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
