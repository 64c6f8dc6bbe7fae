namespace MLNet.Distillation.Cli.Tests.Support;

/// <summary>
/// The <c>distill</c> tool as its own build wrote it (src/MLNet.Distillation.Cli/bin/CONFIG/net10.0/linux-x64), for tests
/// that run it as separate processes: the copy beside the tests has the native libraries under runtimes/, where the
/// tool's RID-specific deps.json does not look (LightGbm's fails to load there).
/// </summary>
internal static class ShardWorkerTool
{
    public static string Path()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        string framework = bin.Name, configuration = bin.Parent!.Name;
        var tests = bin.Parent.Parent!.Parent!.Parent!;
        string tool = System.IO.Path.Combine(tests.Parent!.FullName, "src", "MLNet.Distillation.Cli", "bin", configuration, framework, "linux-x64", "distill.dll");
        Assert.True(File.Exists(tool), $"the distill tool is not built at {tool}");
        return tool;
    }
}
