using System.Runtime.CompilerServices;

namespace MLNet.Distillation.Tests.Build;

/// <summary>
/// The shipped assemblies see none of the library's internals: the command line and the report package use its public
/// API (and compile in the one shared file they need, AtomicFile), so what they do a user's program can do too. Only the
/// tests and the benchmarks look inside.
/// </summary>
public sealed class InternalsVisibilityTests
{
    [Fact]
    public void Only_tests_and_benchmarks_see_the_librarys_internals()
    {
        var friends = typeof(DistillationCatalog).Assembly.GetCustomAttributes(typeof(InternalsVisibleToAttribute), false)
            .Cast<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order().ToArray();
        Assert.Equal(["MLNet.Distillation.Benchmarks", "MLNet.Distillation.Tests"], friends);
    }
}
