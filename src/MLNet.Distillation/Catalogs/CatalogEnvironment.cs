using System.Reflection;
using Microsoft.ML.Runtime;

namespace MLNet.Distillation;

/// <summary>
/// The ML.NET environment behind a catalog (<c>mlContext.MulticlassClassification.Trainers</c>, ...). ML.NET's own trainers
/// reach it through an internal interface every catalog implements; an extension from outside ML.NET can only reach it by
/// reflection. The trainers need it for what ML.NET's trainers use it for: the MLContext's seed and its log.
/// </summary>
internal static class CatalogEnvironment
{
    private const string InternalCatalogInterface = "Microsoft.ML.Data.IInternalCatalog";

    public static IHostEnvironment Of(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var property = catalog.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == InternalCatalogInterface)
            ?.GetProperty("Environment", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        return property?.GetValue(catalog) as IHostEnvironment
            ?? throw new NotSupportedException($"This version of Microsoft.ML does not expose its environment through {InternalCatalogInterface}; " +
                "MLNet.Distillation was built against Microsoft.ML 5.0.");
    }
}
