using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>Adds <c>mlContext.Distillation</c>.</summary>
public static class MLContextExtensions
{
    extension(MLContext mlContext)
    {
        /// <summary>Knowledge-distillation trainers and helpers.</summary>
        public DistillationCatalog Distillation => new(mlContext ?? throw new ArgumentNullException(nameof(mlContext)));
    }
}
