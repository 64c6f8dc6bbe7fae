using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// The distillation trainers, where ML.NET users look for trainers: <c>mlContext.MulticlassClassification.Trainers.Distillation(...)</c>,
/// <c>mlContext.BinaryClassification.Trainers.Distillation(...)</c> and <c>mlContext.Regression.Trainers.Distillation(...)</c>.
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
        /// <param name="temperature">Softening temperature T, in (0, 100].</param>
        /// <param name="alpha">Weight of the hard-label term; the soft-target term gets 1 − alpha.</param>
        /// <param name="hiddenLayers">Hidden-layer widths of the MLP student; null for one layer of 64.</param>
        /// <param name="numberOfEpochs">Passes over the data; null sizes training by rows seen (see
        /// <see cref="DistillationTrainerOptions.NumberOfEpochs"/>).</param>
        /// <param name="learningRate">AdamW learning rate.</param>
        /// <param name="seed">Seed for initialisation and shuffling; null draws one from the MLContext's seed.</param>
        public DistillationMulticlassTrainer Distillation(string labelColumnName = DefaultColumnNames.Label,
            string featureColumnName = DefaultColumnNames.Features, string? teacherColumnName = DefaultColumnNames.TeacherLogits,
            float temperature = Defaults.Temperature, float alpha = Defaults.Alpha, int[]? hiddenLayers = null,
            int? numberOfEpochs = null, float learningRate = Defaults.LearningRate, int? seed = null)
            => new(CatalogEnvironment.Of(catalog), Fill(new DistillationMulticlassTrainer.Options(), labelColumnName, featureColumnName,
                teacherColumnName, temperature, alpha, hiddenLayers, numberOfEpochs, learningRate, seed));

        /// <summary>A multiclass distillation trainer configured by an options object.</summary>
        /// <param name="options">All settings.</param>
        public DistillationMulticlassTrainer Distillation(DistillationMulticlassTrainer.Options options)
            => new(CatalogEnvironment.Of(catalog), options);
    }

    extension(BinaryClassificationCatalog.BinaryClassificationTrainers catalog)
    {
        /// <summary>A binary distillation trainer with the common settings as parameters.</summary>
        /// <param name="labelColumnName">The Boolean label column (or Single: 0, 1, NaN for a row without label).</param>
        /// <param name="featureColumnName">The float-vector feature column.</param>
        /// <param name="teacherColumnName">The teacher's logit, written by <c>TeacherScore</c>; null trains from labels alone.</param>
        /// <param name="temperature">Softening temperature T, in (0, 100].</param>
        /// <param name="alpha">Weight of the hard-label term; the soft-target term gets 1 − alpha.</param>
        /// <param name="hiddenLayers">Hidden-layer widths of the MLP student; null for one layer of 64.</param>
        /// <param name="numberOfEpochs">Passes over the data; null sizes training by rows seen (see
        /// <see cref="DistillationTrainerOptions.NumberOfEpochs"/>).</param>
        /// <param name="learningRate">AdamW learning rate.</param>
        /// <param name="seed">Seed for initialisation and shuffling; null draws one from the MLContext's seed.</param>
        public DistillationBinaryTrainer Distillation(string labelColumnName = DefaultColumnNames.Label,
            string featureColumnName = DefaultColumnNames.Features, string? teacherColumnName = DefaultColumnNames.TeacherLogits,
            float temperature = Defaults.Temperature, float alpha = Defaults.Alpha, int[]? hiddenLayers = null,
            int? numberOfEpochs = null, float learningRate = Defaults.LearningRate, int? seed = null)
            => new(CatalogEnvironment.Of(catalog), Fill(new DistillationBinaryTrainer.Options(), labelColumnName, featureColumnName,
                teacherColumnName, temperature, alpha, hiddenLayers, numberOfEpochs, learningRate, seed));

        /// <summary>A binary distillation trainer configured by an options object.</summary>
        /// <param name="options">All settings.</param>
        public DistillationBinaryTrainer Distillation(DistillationBinaryTrainer.Options options)
            => new(CatalogEnvironment.Of(catalog), options);
    }

    extension(RegressionCatalog.RegressionTrainers catalog)
    {
        /// <summary>A regression distillation trainer with the common settings as parameters.</summary>
        /// <param name="labelColumnName">The Single label column (NaN for a row without label).</param>
        /// <param name="featureColumnName">The float-vector feature column.</param>
        /// <param name="teacherColumnName">The teacher's prediction, written by <c>TeacherScore</c>; null trains from labels alone.</param>
        /// <param name="alpha">Weight of the hard-label term; the teacher term gets 1 − alpha.</param>
        /// <param name="hiddenLayers">Hidden-layer widths of the MLP student; null for one layer of 64.</param>
        /// <param name="numberOfEpochs">Passes over the data; null sizes training by rows seen (see
        /// <see cref="DistillationTrainerOptions.NumberOfEpochs"/>).</param>
        /// <param name="learningRate">AdamW learning rate.</param>
        /// <param name="seed">Seed for initialisation and shuffling; null draws one from the MLContext's seed.</param>
        public DistillationRegressionTrainer Distillation(string labelColumnName = DefaultColumnNames.Label,
            string featureColumnName = DefaultColumnNames.Features, string? teacherColumnName = DefaultColumnNames.TeacherLogits,
            float alpha = Defaults.Alpha, int[]? hiddenLayers = null,
            int? numberOfEpochs = null, float learningRate = Defaults.LearningRate, int? seed = null)
            => new(CatalogEnvironment.Of(catalog), Fill(new DistillationRegressionTrainer.Options(), labelColumnName, featureColumnName,
                teacherColumnName, Defaults.Temperature, alpha, hiddenLayers, numberOfEpochs, learningRate, seed));

        /// <summary>A regression distillation trainer configured by an options object.</summary>
        /// <param name="options">All settings.</param>
        public DistillationRegressionTrainer Distillation(DistillationRegressionTrainer.Options options)
            => new(CatalogEnvironment.Of(catalog), options);
    }

    private static TOptions Fill<TOptions>(TOptions options, string labelColumnName, string featureColumnName, string? teacherColumnName,
        float temperature, float alpha, int[]? hiddenLayers, int? numberOfEpochs, float learningRate, int? seed)
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
