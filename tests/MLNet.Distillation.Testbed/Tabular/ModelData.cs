using System.Diagnostics;

namespace MLNet.Distillation.Testbed;

/// <summary>
/// Real tabular data sets from the R package modeldata (MIT; Debian's <c>r-cran-modeldata</c>), exported to CSV on first
/// use by <c>Rscript</c>. Nothing is downloaded from elsewhere: the package brings the data.
/// </summary>
public static class ModelData
{
    /// <summary>Where exported tables are kept between runs.</summary>
    public static string DefaultFolder { get; } = System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "mlnet-distillation", "modeldata");

    /// <summary>
    /// The CSV of data set <paramref name="name"/> (e.g. <c>mlc_churn</c>, <c>ames</c>), exported with
    /// <c>write.csv(name, row.names = FALSE)</c> into <paramref name="folder"/> when it is not there yet.
    /// </summary>
    public static string Export(string name, string? folder = null)
    {
        folder ??= DefaultFolder;
        Directory.CreateDirectory(folder);
        string path = System.IO.Path.Combine(folder, name + ".csv");
        if (File.Exists(path))
            return path;
        string temp = path + ".tmp";
        string script = $"library(modeldata); data({name}); write.csv({name}, '{temp.Replace("'", "\\'")}', row.names = FALSE)";
        var info = new ProcessStartInfo("Rscript", ["-e", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception e)
        { throw new InvalidOperationException("Rscript was not found. On Debian or Ubuntu: sudo apt-get install r-cran-modeldata", e); }
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(temp))
            throw new InvalidOperationException($"Exporting modeldata's '{name}' failed (is r-cran-modeldata installed? sudo apt-get install r-cran-modeldata): {errors.Trim()}");
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
