using Microsoft.ML;
using MLNet.Distillation.Teachers;

namespace MLNet.Distillation;

/// <summary>Adds <c>TeacherScore</c> to <c>mlContext.Transforms</c>.</summary>
public static class TeacherScoreCatalogExtensions
{
    extension(TransformsCatalog catalog)
    {
        /// <summary>Appends the teacher's logits (one float per class) to the data, scoring rows in blocks when the column is read.</summary>
        /// <param name="teacher">The teacher: <see cref="Teacher.FromOnnx(string, OnnxTeacherOptions?)"/>, <see cref="Teacher.FromTransformer"/>, <see cref="Teacher.Ensemble"/>, ...</param>
        /// <param name="outputColumnName">The column to append. Default <c>TeacherLogits</c>, which the distillation trainer reads.</param>
        /// <param name="batchSize">Rows per teacher call.</param>
        public TeacherScoringEstimator TeacherScore(Teacher teacher, string outputColumnName = DefaultColumnNames.TeacherLogits, int batchSize = 256)
        {
            ArgumentNullException.ThrowIfNull(catalog);
            return new TeacherScoringEstimator(new TeacherScoringEstimator.Options { Teacher = teacher, OutputColumnName = outputColumnName, BatchSize = batchSize });
        }

        /// <summary>Appends the teacher's logits to the data, with all settings in one options object.</summary>
        /// <param name="options">Teacher, output column and batch size.</param>
        public TeacherScoringEstimator TeacherScore(TeacherScoringEstimator.Options options)
        {
            ArgumentNullException.ThrowIfNull(catalog);
            return new TeacherScoringEstimator(options);
        }
    }
}
