using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Onnx;

namespace MLNet.Distillation.Tests.Build;

/// <summary>
/// The library compiles against the oldest ML.NET it supports (its packages' lower bound), and the tests must run it on
/// the current release, as a shop on that release would: central transitive pinning lifts every test project to the
/// versions Directory.Packages.props names as current. If the pinning is lost, a project reference quietly brings the
/// floor and the whole suite tests an ML.NET nobody on the current release runs; this fails instead.
/// </summary>
public sealed class DependencyVersionTests
{
    [Theory]
    [InlineData("MLNetCurrentVersion", typeof(MLContext))]                 // Microsoft.ML.Data
    [InlineData("MLNetCurrentVersion", typeof(OnnxScoringEstimator))]      // Microsoft.ML.OnnxTransformer
    [InlineData("OnnxRuntimeCurrentVersion", typeof(InferenceSession))]    // Microsoft.ML.OnnxRuntime (managed)
    public void Tests_run_on_the_current_release(string versionKey, Type loaded)
    {
        string expected = typeof(DependencyVersionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == versionKey).Value!;
        Assert.False(string.IsNullOrEmpty(expected), $"{versionKey} did not reach the test assembly");
        string? actual = loaded.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        Assert.NotNull(actual);
        // "6.0.0+6eff5cce…": the package version, then the commit it was built from.
        Assert.Equal(expected, actual.Split('+')[0]);
    }
}
