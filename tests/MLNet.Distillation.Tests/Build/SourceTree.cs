namespace MLNet.Distillation.Tests.Build;

/// <summary>The repository's C# sources under src/ (build outputs left out), for the tests that read the code itself.</summary>
internal static class SourceTree
{
    /// <summary>Every .cs file under src/: its full path and its path relative to src/ with '/' separators.</summary>
    public static IEnumerable<(string Path, string Relative)> Files()
    {
        var src = System.IO.Path.Combine(RepositoryRoot(), "src");
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(src, file).Replace(System.IO.Path.DirectorySeparatorChar, '/');
            var folders = relative.Split('/')[..^1];
            if (!folders.Contains("obj") && !folders.Contains("bin"))
                yield return (file, relative);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MLNet.Distillation.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No MLNet.Distillation.sln above {AppContext.BaseDirectory}.");
    }
}
