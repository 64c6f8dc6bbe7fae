using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>Adds <c>TeacherScore</c> to <c>mlContext.Transforms</c>.</summary>
public static class TeacherScoreExtensions
{
    extension(TransformsCatalog catalog)
    {
        /// <summary>
        /// Appends the teacher's outputs (one float per class, or one per row) to the data, scoring rows in blocks when
        /// the column is read.
        /// </summary>
        /// <param name="teacher">The teacher: <see cref="Teacher.FromOnnx(string, OnnxTeacherOptions?)"/>,
        /// <see cref="Teacher.FromTransformer"/>, <see cref="Teacher.Ensemble"/>, ...</param>
        /// <param name="outputColumnName">The column to append. Default <c>TeacherLogits</c>, which the distillation trainers read.</param>
        /// <param name="batchSize">Rows per teacher call. Default 64.</param>
        public TeacherScoringEstimator TeacherScore(Teacher teacher, string outputColumnName = DefaultColumnNames.TeacherLogits,
            int batchSize = Defaults.TeacherBatchSize)
        {
            ArgumentNullException.ThrowIfNull(catalog);
            return new TeacherScoringEstimator(
                new TeacherScoringEstimator.Options { Teacher = teacher, OutputColumnName = outputColumnName, BatchSize = batchSize },
                CatalogEnvironment.Of(catalog));
        }

        /// <summary>Appends the teacher's outputs to the data, with all settings in one options object.</summary>
        /// <param name="options">Teacher, output column, batch size and cache folder.</param>
        public TeacherScoringEstimator TeacherScore(TeacherScoringEstimator.Options options)
        {
            ArgumentNullException.ThrowIfNull(catalog);
            return new TeacherScoringEstimator(options, CatalogEnvironment.Of(catalog));
        }
    }
}
