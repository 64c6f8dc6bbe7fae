using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// The distillation trainers, where ML.NET users look for trainers: <c>mlContext.MulticlassClassification.Trainers.Distillation(...)</c>.
/// Each has ML.NET's two overloads: the common settings as parameters (defaults as in the options class), and an options object.
/// </summary>
public static class TrainerExtensions
{
    extension(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog)
    {
        /// <summary>A multiclass distillation trainer with the common settings as parameters.</summary>
        /// <param name="labelColumnName">The UInt32 key label column.</param>
        /// <param name="featureColumnName">The float-vector feature column.</param>
        /// <param name="teacherColumnName">The teacher's logits, written by <c>TeacherScore</c>; null trains from labels alone.</param>
        /// <param name="temperature">Softening temperature T.</param>
        /// <param name="alpha">Weight of the hard-label term; the soft-target term gets 1 − alpha.</param>
        /// <param name="hiddenLayers">Hidden-layer widths of the MLP student; null for one layer of 64.</param>
        /// <param name="numberOfEpochs">Passes over the data.</param>
        /// <param name="learningRate">AdamW learning rate.</param>
        /// <param name="seed">Seed for initialisation and shuffling; null draws one from the MLContext's seed.</param>
        public DistillationMulticlassTrainer Distillation(string labelColumnName = DefaultColumnNames.Label,
            string featureColumnName = DefaultColumnNames.Features, string? teacherColumnName = DefaultColumnNames.TeacherLogits,
            float temperature = Defaults.Temperature, float alpha = Defaults.Alpha, int[]? hiddenLayers = null,
            int numberOfEpochs = Defaults.NumberOfEpochs, float learningRate = Defaults.LearningRate, int? seed = null)
            => new(CatalogEnvironment.Of(catalog), Fill(new DistillationMulticlassTrainer.Options(), labelColumnName, featureColumnName, teacherColumnName,
                temperature, alpha, hiddenLayers, numberOfEpochs, learningRate, seed));

        /// <summary>A multiclass distillation trainer configured by an options object.</summary>
        /// <param name="options">All settings.</param>
        public DistillationMulticlassTrainer Distillation(DistillationMulticlassTrainer.Options options)
            => new(CatalogEnvironment.Of(catalog), options);
    }

    private static TOptions Fill<TOptions>(TOptions options, string labelColumnName, string featureColumnName, string? teacherColumnName,
        float temperature, float alpha, int[]? hiddenLayers, int numberOfEpochs, float learningRate, int? seed)
        where TOptions : DistillationTrainerOptions
    {
        options.LabelColumnName = labelColumnName;
        options.FeatureColumnName = featureColumnName;
        options.TeacherColumnName = teacherColumnName;
        options.Temperature = temperature;
        options.Alpha = alpha;
        options.Student = new MlpStudent { HiddenLayers = hiddenLayers ?? [Defaults.HiddenLayerWidth] };
        options.NumberOfEpochs = numberOfEpochs;
        options.LearningRate = learningRate;
        options.Seed = seed;
        return options;
    }

}
