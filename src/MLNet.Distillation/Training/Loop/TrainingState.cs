using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// What one Fit trains and steps, built together under its seed and disposed together: the student network, the views
/// the loss terms read (with the projectors some of them train), the Fit's own random generator, the optimizer over both,
/// and the buffer batches are gathered into.
/// </summary>
internal sealed class TrainingState : IDisposable
{
    private TrainingState(StudentNetwork network, FeatureViews views, Generator generator, StudentOptimizer optimizer, BatchInputs batches)
    {
        Network = network;
        Views = views;
        Generator = generator;
        Optimizer = optimizer;
        Batches = batches;
        ParameterCount = network.parameters().Sum(p => p.numel());
        Checkpointed = views.CheckpointModule(network);
    }

    /// <summary>The student being trained.</summary>
    public StudentNetwork Network { get; }

    /// <summary>What each loss term reads of a batch, and the projectors that train with the student but are not part of it.</summary>
    public FeatureViews Views { get; }

    /// <summary>The Fit's generator: every draw after initialisation (dropout) comes from it.</summary>
    public Generator Generator { get; }

    /// <summary>Steps the student's and the projectors' parameters.</summary>
    public StudentOptimizer Optimizer { get; }

    /// <summary>Gathers a batch's rows from the table into one buffer (or hands over their non-zeros when the table is sparse).</summary>
    public BatchInputs Batches { get; }

    /// <summary>The student's parameters (the projectors are not part of it).</summary>
    public long ParameterCount { get; }

    /// <summary>What a checkpoint saves and restores: the network, with the projectors when there are any.</summary>
    public nn.Module Checkpointed { get; }

    /// <summary>
    /// Builds the student and the views from the seeded global generator while this Fit holds it (the same seed initialises
    /// the same student whatever else runs in the process), then the optimizer and the batch buffer. The views are built
    /// after the network: the same seed initialises the same student whether or not a term needs a projector.
    /// </summary>
    public static TrainingState Build(StudentTrainingLoop loop, ITrainingData train)
    {
        var (network, views) = TrainingRandom.SeedAndBuild(loop.Seed, loop.Device, () =>
        {
            var built = train.SparseFeatures
                ? loop.Architecture.BuildForSparseInputs(train.FeatureCount, train.OutputCount)
                : loop.Architecture.Build(train.FeatureCount, train.OutputCount, loop.InputScaling, loop.TargetScaling);
            try
            {
                built.to(loop.Device);
                return (built, FeatureViews.Create(built, loop.Losses, loop.ExtraTeacherColumns, train, loop.Device));
            }
            catch
            {
                built.Dispose();
                throw;
            }
        }, out var generator);
        StudentOptimizer? optimizer = null;
        try
        {
            network.Generator = generator;
            optimizer = new StudentOptimizer([.. network.parameters(), .. views.Parameters], network.SparseInput, loop.LearningRate, loop.WeightDecay,
                loop.SparseStep);
            return new TrainingState(network, views, generator, optimizer,
                new BatchInputs(train.SparseFeatures, loop.BatchSize, train.FeatureCount, loop.Device));
        }
        catch
        {
            optimizer?.Dispose();
            generator.Dispose();
            views.Dispose();
            network.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Batches.Dispose();
        Optimizer.Dispose();
        Generator.Dispose();
        Views.Dispose();
        Network.Dispose();
    }
}
