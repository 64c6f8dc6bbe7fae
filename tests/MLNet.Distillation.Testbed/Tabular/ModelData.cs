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
        => ExportWithR(name + ".csv", folder ?? DefaultFolder, "r-cran-modeldata",
            temp => $"library(modeldata); data({name}); write.csv({name}, '{temp}', row.names = FALSE)");

    /// <summary>
    /// Writes <paramref name="fileName"/> into <paramref name="folder"/> by running the R script <paramref name="script"/>
    /// (given the temporary path to write, quotes escaped) when the file is not there yet; the file appears whole or not
    /// at all. <paramref name="package"/> names the Debian package to install when R fails.
    /// </summary>
    public static string ExportWithR(string fileName, string folder, string package, Func<string, string> script)
    {
        Directory.CreateDirectory(folder);
        string path = System.IO.Path.Combine(folder, fileName);
        if (File.Exists(path))
            return path;
        string temp = path + ".tmp";
        var info = new ProcessStartInfo("Rscript", ["-e", script(temp.Replace("'", "\\'"))]) { RedirectStandardError = true, RedirectStandardOutput = true };
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception e)
        { throw new InvalidOperationException($"Rscript was not found. On Debian or Ubuntu: sudo apt-get install {package}", e); }
        process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(temp))
            throw new InvalidOperationException($"Exporting '{fileName}' with R failed (is {package} installed? sudo apt-get install {package}): {errors.Trim()}");
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
