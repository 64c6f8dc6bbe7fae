namespace MLNet.Distillation;

/// <summary>Describes a student network; the trainer builds it once the input size and class count are known.</summary>
public abstract class StudentArchitecture
{
    /// <summary>
    /// Whether the network standardises each feature by its mean and standard deviation over the training rows before its
    /// first layer. The trainer computes the statistics once per Fit and the exported student carries them (folded into
    /// the first dense layer where there is one), so raw features go in at prediction time. Default true for
    /// <see cref="MlpStudent"/> (tabular features come in all scales), false for <see cref="CnnStudent"/> (pixels share one scale).
    /// </summary>
    public bool StandardizeInputs { get; set; }

    /// <summary>Builds a freshly initialised network (initialisation draws from TorchSharp's seeded generator).</summary>
    internal abstract StudentNetwork Build(int inputSize, int classCount);

    /// <summary>
    /// Builds the network for a Fit that trains under the given standardisations (computed on its training rows). Only an
    /// architecture that starts from given weights needs them (to express those weights in standardised units); the
    /// others ignore them.
    /// </summary>
    internal virtual StudentNetwork Build(int inputSize, int classCount, ColumnStandardization? inputs, ColumnStandardization? target)
        => Build(inputSize, classCount);

    /// <summary>
    /// Whether the network can read sparse feature rows (<see cref="BuildForSparseInputs"/>): a wide, mostly-zero vector
    /// such as <c>FeaturizeText</c>'s is then trained on its non-zeros and never densified.
    /// </summary>
    internal virtual bool ReadsSparseInputs => false;

    /// <summary>
    /// How the sparse first layer's table steps when <see cref="DistillationTrainerOptions.SparseFeatureStep"/> is unset:
    /// per weight (AdamW) unless the architecture measured better otherwise for <paramref name="task"/>.
    /// </summary>
    internal virtual SparseFeatureStep DefaultSparseFeatureStep(TrainingTask task) => SparseFeatureStep.PerWeight;

    /// <summary>Builds the network with a first layer that reads sparse rows (<see cref="SparseLinear"/>).</summary>
    internal virtual StudentNetwork BuildForSparseInputs(int inputSize, int classCount)
        => throw new NotSupportedException($"{GetType().Name} reads dense feature rows only; set the trainer's SparseFeatures option to false.");

    /// <summary>
    /// Checks, before any data is read, that the network can be built for these sizes and exported; throws naming the
    /// setting or layer at fault. The built-in architectures check their settings in <see cref="Build(int, int)"/>, which the trainer
    /// calls after reading the data; this runs first in Fit.
    /// </summary>
    internal virtual void CheckBeforeTraining(int inputSize, int classCount) { }

    /// <summary>A copy sharing no mutable state (arrays included): trainers keep their own copy of the options.</summary>
    internal abstract StudentArchitecture Copy();

    /// <summary>A short description such as <c>MLP 784-64-10</c>.</summary>
    /// <param name="inputSize">Features per row.</param>
    /// <param name="classCount">Number of classes.</param>
    public abstract string Describe(int inputSize, int classCount);
}
