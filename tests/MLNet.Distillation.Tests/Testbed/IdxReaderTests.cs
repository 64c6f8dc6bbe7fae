using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Tests.Testbed;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, byte[] bytes, bool gzip)
    {
        var path = Path.Combine(_folder, name + (gzip ? ".gz" : ""));
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(bytes);
        return path;
    }

    private static byte[] Idx(int rank, int[] dims, byte[] data)
        => [0, 0, 8, (byte)rank, .. dims.SelectMany(d => new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d }), .. data];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_and_labels_into_scaled_features_and_named_keys(bool gzip)
    {
        // Three 2×2 images with known pixels, labels 2, 0, 1.
        var images = Write("images", Idx(3, [3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]), gzip);
        var labels = Write("labels", Idx(1, [3], [2, 0, 1]), gzip);
        var data = IdxReader.Load(images, labels, ["zero", "one", "two"]);

        var ml = new MLContext(0);
        var rows = ml.Data.CreateEnumerable<Row>(ml.Transforms.Conversion.MapKeyToValue("Label").Fit(data).Transform(data), false).ToList();
        Assert.Equal(["two", "zero", "one"], rows.Select(r => r.Label));
        Assert.Equal([0f, 1f, 0.2f, 0.4f], rows[0].Features);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), data.Schema["Features"].Type);
        Assert.Equal(2, IdxReader.Load(images, labels, ["zero", "one", "two"], maxRows: 2).RowCount);
    }

    [Fact]
    public void Bad_files_get_errors_that_name_the_file_and_the_fault()
    {
        var images = Write("images", Idx(3, [2, 2, 2], new byte[8]), false);
        var labels = Write("labels", Idx(1, [2], [0, 1]), false);

        var swapped = Assert.Throws<InvalidDataException>(() => IdxReader.Load(labels, images));
        Assert.Contains("magic number", swapped.Message);
        Assert.Contains(labels, swapped.Message);

        var truncated = Write("truncated", Idx(3, [2, 2, 2], new byte[7]), true);
        var cut = Assert.Throws<InvalidDataException>(() => IdxReader.Load(truncated, labels));
        Assert.Contains("truncated", cut.Message);
        Assert.Contains(truncated, cut.Message);

        var threeLabels = Write("three", Idx(1, [3], [0, 1, 1]), false);
        var counts = Assert.Throws<InvalidDataException>(() => IdxReader.Load(images, threeLabels));
        Assert.Contains("2 images", counts.Message);
        Assert.Contains("3 labels", counts.Message);

        var outOfRange = Write("range", Idx(1, [2], [0, 7]), false);
        Assert.Contains("label 7", Assert.Throws<InvalidDataException>(() => IdxReader.Load(images, outOfRange, ["a", "b"])).Message);
        Assert.Contains("dataset-fashion-mnist", Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_folder)).Message);
    }

    [Fact]
    public void Reads_the_real_fashion_mnist_when_installed()
    {
        if (!Directory.Exists(FashionMnist.DebianFolder))
            return; // installed by .ci/run; optional on a developer machine
        var test = FashionMnist.Load(train: false, maxRows: 500);
        Assert.Equal(500, test.RowCount);
        Assert.Equal(784, ((VectorDataViewType)test.Schema["Features"].Type).Size);
        Assert.Equal("Ankle boot", test.ClassNames[9]);
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";
        public float[] Features { get; set; } = [];
    }
}
