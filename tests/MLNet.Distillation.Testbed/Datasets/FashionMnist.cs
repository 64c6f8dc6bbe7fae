namespace MLNet.Distillation.Testbed;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 70,000 28×28 grey images of 10 kinds of clothing. On Debian,
/// <c>apt-get install dataset-fashion-mnist</c> puts the IDX files in <see cref="DebianFolder"/>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the training (60,000) or test (10,000) images from <paramref name="folder"/>.</summary>
    /// <param name="folder">Folder with <c>train-images-idx3-ubyte.gz</c> etc. (plain files work too).</param>
    /// <param name="train">True for the training set, false for the test set.</param>
    /// <param name="maxRows">At most this many rows (the first ones); null for all.</param>
    public static InMemoryClassificationData Load(string folder = DebianFolder, bool train = true, int? maxRows = null)
    {
        string prefix = train ? "train" : "t10k";
        string images = Find(folder, $"{prefix}-images-idx3-ubyte");
        string labels = Find(folder, $"{prefix}-labels-idx1-ubyte");
        return IdxReader.Load(images, labels, ClassNames, maxRows);
    }

    private static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { Path.Combine(folder, name + ".gz"), Path.Combine(folder, name) })
            if (File.Exists(candidate))
                return candidate;
        throw new FileNotFoundException($"Fashion-MNIST file '{name}[.gz]' was not found in '{folder}'. " +
            "On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist", Path.Combine(folder, name + ".gz"));
    }
}
