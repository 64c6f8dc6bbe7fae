using System.Reflection;

namespace MLNet.Distillation.Tests.PublicApi;

/// <summary>
/// The public API of each shipped assembly is listed in a checked-in file (PublicApi/*.txt). A change to the API fails
/// this test until the file is updated, so every API change is a visible, reviewed decision. To accept a change, run
/// <c>UPDATE_PUBLIC_API=1 dotnet test tests/MLNet.Distillation.Tests --filter PublicApi</c> and commit the files.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Assemblies => ["MLNet.Distillation", "MLNet.Distillation.Runtime", "MLNet.Distillation.Reporting"];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Public_api_matches_the_checked_in_listing(string assemblyName)
    {
        string actual = PublicApiListing.Of(Assembly.Load(assemblyName));
        string file = $"{assemblyName}.txt";
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(Path.Combine(SourceFolder(), file), actual);
            return;
        }
        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PublicApi", file)).Replace("\r\n", "\n");
        if (expected == actual)
            return;
        var before = expected.Split('\n').ToHashSet();
        var after = actual.Split('\n').ToHashSet();
        var removed = before.Except(after).Select(l => "- " + l.Trim());
        var added = after.Except(before).Select(l => "+ " + l.Trim());
        Assert.Fail($"The public API of {assemblyName} differs from tests/MLNet.Distillation.Tests/PublicApi/{file}:\n" +
            string.Join("\n", removed.Concat(added).Take(60)) +
            "\nIf the change is intended, run: UPDATE_PUBLIC_API=1 dotnet test tests/MLNet.Distillation.Tests --filter PublicApi");
    }

    [Fact]
    public void Users_need_one_namespace_and_extenders_one_more()
    {
        var namespaces = typeof(Teacher).Assembly.GetExportedTypes().Select(t => t.Namespace!).Distinct().Order().ToArray();
        Assert.Equal(["MLNet.Distillation", "MLNet.Distillation.Losses"], namespaces);
    }

    private static string SourceFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.Distillation.Tests.csproj")))
                return Path.Combine(dir.FullName, "PublicApi");
        throw new DirectoryNotFoundException("The test project's source folder was not found above " + AppContext.BaseDirectory);
    }
}
