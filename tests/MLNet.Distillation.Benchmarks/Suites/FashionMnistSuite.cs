using Microsoft.ML;
using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Fashion-MNIST: a CNN teacher trained from labels, MLP and small-CNN students from labels and distilled, a transfer-set
/// experiment with scarce labels, teacher scoring throughput, single-row latency and int8 quantization of the MLP student.
/// </summary>
internal sealed class FashionMnistSuite(string? dataFolder) : IBenchmarkSuite
{
    public const string Name = "fashion-mnist";

    public string SuiteName => Name;

    public string Title => "Fashion-MNIST benchmark";

    public IReadOnlyList<IExperiment> Prepare(BenchmarkSettings settings, Action<string> log)
    {
        var ml = new MLContext(seed: 0);
        var train = FashionMnist.Load(dataFolder ?? FashionMnist.DebianFolder, train: true, maxRows: settings.TrainRows);
        var test = FashionMnist.Load(dataFolder ?? FashionMnist.DebianFolder, train: false, maxRows: settings.TestRows);
        log($"{settings.Mode}: {train.RowCount:N0} training and {test.RowCount:N0} test images.");
        var context = new FashionMnistContext(ml, settings, train, test, log);
        return
        [
            new TeacherTraining(context),
            new TeacherScoringThroughput(context),
            new StudentRecipes(context),
            new FeatureKD(context),
            new CustomStudent(context),
            new TransferSet(context),
            new SingleRowLatency(context),
            new StudentPruning(context),
            new Quantization(context),
        ];
    }
}

/// <summary>What the Fashion-MNIST experiments share: the data, the teacher once trained, and the models whose latency is measured last.</summary>
internal sealed class FashionMnistContext(MLContext ml, BenchmarkSettings settings, InMemoryClassificationData train, InMemoryClassificationData test, Action<string> log)
{
    public MLContext ML { get; } = ml;
    public BenchmarkSettings Settings { get; } = settings;
    public InMemoryClassificationData Train { get; } = train;
    public InMemoryClassificationData Test { get; } = test;
    public Action<string> Log { get; } = log;

    /// <summary>Set by <see cref="TeacherTraining"/>.</summary>
    public StudentTransformer Teacher { get; set; } = null!;

    /// <summary>The teacher's predictions on the test images, for agreement.</summary>
    public IDataView TeacherTest { get; set; } = null!;

    /// <summary>Where the teacher's logits are cached once and reused by every distilled fit.</summary>
    public string CacheFolder { get; } = Directory.CreateTempSubdirectory("fashion-mnist-teacher-cache-").FullName;

    /// <summary>Models whose single-row latency <see cref="SingleRowLatency"/> measures.</summary>
    public List<(string Name, ITransformer Model)> LatencyModels { get; } = [];

    public static StudentArchitecture Mlp() => new MlpStudent { HiddenLayers = [64] };

    public static StudentArchitecture SmallCnn() => new CnnStudent { InputShape = [1, 28, 28], ConvChannels = [8, 16], DenseLayers = [64], Dropout = 0 };
}
