using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNet.Distillation.Testbed;

/// <summary>
/// Reads the IDX files of the MNIST family (MNIST, Fashion-MNIST, KMNIST), plain or gzip-compressed:
/// a big-endian header (0x00 0x00, element type 0x08 = unsigned byte, number of dimensions) then the dimension sizes
/// and the data. Images become features scaled to [0, 1].
/// </summary>
public static class IdxReader
{
    /// <summary>Loads an image file and its label file as a classification data view.</summary>
    /// <param name="imagesPath">The images (<c>*-images-idx3-ubyte[.gz]</c>).</param>
    /// <param name="labelsPath">The labels (<c>*-labels-idx1-ubyte[.gz]</c>).</param>
    /// <param name="classNames">Names of the classes in label order; null for "0", "1", ...</param>
    /// <param name="maxRows">Read at most this many rows (a subset for quick runs); null for all.</param>
    public static InMemoryClassificationData Load(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null, int? maxRows = null)
    {
        var (images, imageDims) = ReadUBytes(imagesPath, expectedRank: 3, maxRows);
        var (labels, labelDims) = ReadUBytes(labelsPath, expectedRank: 1, maxRows);
        if (imageDims[0] != labelDims[0])
            throw new InvalidDataException($"'{imagesPath}' holds {imageDims[0]} images but '{labelsPath}' holds {labelDims[0]} labels.");
        int rows = imageDims[0], pixels = imageDims[1] * imageDims[2];
        int classCount = classNames?.Count ?? labels.DefaultIfEmpty().Max() + 1;
        var names = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var labelValues = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            if (labels[i] >= classCount)
                throw new InvalidDataException($"'{labelsPath}': label {labels[i]} at row {i} is out of range for {classCount} classes.");
            labelValues[i] = labels[i];
        }
        var features = new float[images.Length];
        for (int i = 0; i < images.Length; i++)
            features[i] = images[i] / 255f;
        return new InMemoryClassificationData(features, labelValues, pixels, names);
    }

    /// <summary>Reads an unsigned-byte IDX file; returns the data and the dimension sizes (the first one cut to <paramref name="maxRows"/>).</summary>
    /// <param name="path">The file, plain or gzip.</param>
    /// <param name="expectedRank">Number of dimensions the caller expects (3 for images, 1 for labels).</param>
    /// <param name="maxRows">Read at most this many items along the first dimension; null for all.</param>
    public static (byte[] Data, int[] Dimensions) ReadUBytes(string path, int expectedRank, int? maxRows = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        using Stream stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;

        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, path, "header");
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] != expectedRank)
            throw new InvalidDataException($"'{path}' is not an unsigned-byte IDX file of rank {expectedRank}: its magic number is " +
                $"0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8}, expected 0x{0x800 + expectedRank:X8}.");
        var dims = new int[expectedRank];
        Span<byte> size = stackalloc byte[4];
        for (int d = 0; d < expectedRank; d++)
        {
            ReadExactly(stream, size, path, $"size of dimension {d}");
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(size);
            if (dims[d] < 0)
                throw new InvalidDataException($"'{path}': dimension {d} has negative size {dims[d]}.");
        }
        if (maxRows is int limit)
            dims[0] = Math.Min(dims[0], limit);
        long length = dims.Aggregate(1L, (a, b) => a * b);
        if (length > Array.MaxLength)
            throw new InvalidDataException($"'{path}' declares {length} values, more than one array can hold.");
        var data = new byte[length];
        ReadExactly(stream, data, path, "data");
        return (data, dims);
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read;
            try { read = stream.Read(buffer[total..]); }
            catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a valid gzip file: {e.Message}", e); }
            if (read == 0)
                throw new InvalidDataException($"'{path}' is truncated: it ends after {total} of the {buffer.Length} bytes of its {what}.");
            total += read;
        }
    }
}
