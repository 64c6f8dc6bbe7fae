using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>The size of an ML.NET model as <c>mlContext.Model.Save</c> writes it: what a user ships.</summary>
internal static class ModelBytes
{
    public static long Of(MLContext mlContext, ITransformer model, DataViewSchema inputSchema)
    {
        // A seekable stream, as a file is: on a forward-only stream the zip writer adds data descriptors and the count
        // would be larger than the file a user saves.
        using var stream = new MemoryStream();
        mlContext.Model.Save(model, inputSchema, stream);
        return stream.Length;
    }
}
