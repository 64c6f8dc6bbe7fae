using System.IO.Compression;
using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>An ML.NET model as <c>mlContext.Model.Save</c> writes it: its size (what a user ships), and the parameters of
/// the ONNX graphs inside it (a student reloaded from a file keeps its network there).</summary>
internal static class ModelBytes
{
    public static byte[] Of(MLContext mlContext, ITransformer model, DataViewSchema inputSchema)
    {
        // A seekable stream, as a file is: on a forward-only stream the zip writer adds data descriptors and the size
        // would be larger than the file a user saves.
        using var stream = new MemoryStream();
        mlContext.Model.Save(model, inputSchema, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Σ of the initializer elements of every ONNX graph the saved model holds (ML.NET's ApplyOnnxModel stage stores its
    /// graph as an <c>OnnxModel</c> entry: a 4-byte length, then the model); null when it holds none.
    /// </summary>
    public static long? OnnxParameters(byte[] savedModel)
    {
        using var zip = new ZipArchive(new MemoryStream(savedModel), ZipArchiveMode.Read);
        long? total = null;
        foreach (var entry in zip.Entries.Where(e => e.Name == "OnnxModel"))
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            if (bytes.Length < 4 || BitConverter.ToInt32(bytes, 0) != bytes.Length - 4)
                continue;
            if (MLNet.Distillation.OnnxParameters.Count(bytes[4..]) is long count)
                total = (total ?? 0) + count;
        }
        return total;
    }
}
