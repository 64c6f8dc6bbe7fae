using MLNet.Distillation.Losses;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// What the loss terms that read a student layer or another teacher column (<see cref="LossTerm.StudentLayer"/>,
/// <see cref="LossTerm.TeacherColumn"/>) see of each batch: the layer's output flattened to [B, width], through a learned
/// linear projector (FitNets' regressor) when the term compares values one by one and the widths differ, and the teacher
/// column's rows. Every check that can fail (a layer the student lacks, widths a term cannot compare) runs when the views
/// are created, before the first batch. The loop stays unaware of what each term reads: it asks for the term's batch.
/// </summary>
internal sealed class FeatureViews : IDisposable
{
    private readonly WeightedLoss[] _losses;
    private readonly int[] _teacherColumn;      // per term: index into the block's extra teacher columns, −1 for the trainer's teacher column
    private readonly Linear?[] _projectors;     // per term: the projector, or null
    private readonly string[] _layers;          // the student layers some term reads

    private FeatureViews(WeightedLoss[] losses, int[] teacherColumn, Linear?[] projectors, string[] layers)
    {
        _losses = losses;
        _teacherColumn = teacherColumn;
        _projectors = projectors;
        _layers = layers;
    }

    /// <summary>The projectors' parameters, trained with the student's.</summary>
    public IEnumerable<Parameter> Parameters => _projectors.Where(p => p is not null).SelectMany(p => p!.parameters());

    /// <summary>
    /// Checks every term's layer and columns against the network and the data, and builds the projectors.
    /// </summary>
    public static FeatureViews Create(StudentNetwork network, IReadOnlyList<WeightedLoss> losses, IReadOnlyList<string> extraTeacherColumns,
        ITrainingData data, Device device)
    {
        var layers = losses.Where(l => l.StudentLayer is not null).Select(l => l.StudentLayer!).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var layer in layers)
            if (!network.LayerNames.Contains(layer, StringComparer.Ordinal))
                throw new ArgumentOutOfRangeException(nameof(losses), $"A loss term reads student layer '{layer}', which the student ({network.GetName()}) does not have. " +
                    (network.LayerNames.Count == 0 ? "It names no layers." : $"Its layers: {string.Join(", ", network.LayerNames)}."));

        var widths = LayerWidths(network, layers, data.FeatureCount, device);
        var teacherColumn = new int[losses.Count];
        var projectors = new Linear?[losses.Count];
        for (int t = 0; t < losses.Count; t++)
        {
            var loss = losses[t];
            teacherColumn[t] = loss.TeacherColumn is null ? -1 : IndexOf(extraTeacherColumns, loss.TeacherColumn);
            if (loss.Loss is not IFeatureDistillationLoss { NeedsEqualWidths: true } || !loss.Loss.NeedsTeacher)
                continue;
            int studentWidth = loss.StudentLayer is null ? data.OutputCount : widths[loss.StudentLayer];
            int teacherWidth = teacherColumn[t] < 0 ? data.OutputCount : data.ExtraTeacherWidths[teacherColumn[t]];
            if (studentWidth != teacherWidth)
            {
                projectors[t] = nn.Linear(studentWidth, teacherWidth, device: device);
            }
        }
        return new FeatureViews([.. losses], teacherColumn, projectors, layers);
    }

    /// <summary>What a checkpoint saves and restores: the network, and the projectors with it when there are any.</summary>
    public nn.Module CheckpointModule(StudentNetwork network)
        => _projectors.All(p => p is null) ? network : new TrainedModules(network, _projectors.Where(p => p is not null).ToArray()!);

    /// <summary>A fresh set of layer captures for one forward pass, or null when no term reads a layer.</summary>
    public Dictionary<string, Tensor?>? NewTaps()
        => _layers.Length == 0 ? null : _layers.ToDictionary(l => l, _ => (Tensor?)null, StringComparer.Ordinal);

    /// <summary>The batch term <paramref name="t"/> reads: <paramref name="batch"/> itself, or its view of it.</summary>
    public DistillationBatch For(int t, DistillationBatch batch, Dictionary<string, Tensor?>? taps, TrainingBlock block, Tensor index)
    {
        var loss = _losses[t];
        if (loss.StudentLayer is null && loss.TeacherColumn is null && _projectors[t] is null)
            return batch;
        var student = loss.StudentLayer is null ? batch.StudentLogits : taps![loss.StudentLayer]!.flatten(1);
        if (_projectors[t] is { } projector)
            student = projector.forward(student);
        var teacher = _teacherColumn[t] < 0 ? batch.TeacherLogits : block.ExtraTeacherColumns[_teacherColumn[t]].index_select(0, index);
        // The per-row cache belongs to the trainer's teacher column: a view computes per-row quantities from its own batch.
        return new DistillationBatch(student, batch.Labels, teacher, batch.Epoch, rows: null, batch.LabelledRows);
    }

    /// <summary>Values per row of each named layer, from one row of zeros through the network in evaluation mode (no randomness drawn).</summary>
    private static Dictionary<string, int> LayerWidths(StudentNetwork network, string[] layers, int featureCount, Device device)
    {
        var widths = new Dictionary<string, int>(StringComparer.Ordinal);
        if (layers.Length == 0)
            return widths;
        bool training = network.training;
        network.eval();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var taps = layers.ToDictionary(l => l, _ => (Tensor?)null, StringComparer.Ordinal);
            if (network.SparseInput is not null)
                network.ForwardSparse(SparseBatch.Empty(1, device), taps);
            else
                network.Forward(zeros(1, featureCount, device: device), taps);
            foreach (var (name, value) in taps)
                widths[name] = (int)value!.flatten(1).shape[1];
        }
        network.train(training);
        return widths;
    }

    /// <summary>The network and the projectors as one module, for saving and loading their weights together.</summary>
    private sealed class TrainedModules : nn.Module
    {
        public TrainedModules(StudentNetwork network, Linear[] projectors) : base("trained")
        {
            register_module("network", network);
            for (int i = 0; i < projectors.Length; i++)
                register_module($"projector{i}", projectors[i]);
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        throw new InvalidOperationException($"Teacher column '{name}' was not read with the training rows.");
    }

    public void Dispose()
    {
        foreach (var projector in _projectors)
            projector?.Dispose();
    }
}
