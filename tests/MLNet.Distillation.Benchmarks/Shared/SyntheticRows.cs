using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Rows for measuring memory and throughput at sizes no real table on this machine reaches: 64 features uniform in
/// [−1, 1], a regression label from a fixed random 64-16-1 tanh network plus noise, and that network's prediction plus
/// smaller noise as the teacher's output (as a teacher-scoring job would have saved it beside the data). Each row depends
/// on its index alone, so any range of rows can be generated anywhere. Not for accuracy figures: the data is synthetic.
/// </summary>
internal static class SyntheticRows
{
    public const int FeatureCount = 64;
    private const int Hidden = 16;
    private static readonly float[] W1, B1, W2;

    static SyntheticRows()
    {
        var random = new Random(7);
        W1 = Enumerable.Range(0, FeatureCount * Hidden).Select(_ => (float)(random.NextDouble() * 2 - 1) / MathF.Sqrt(FeatureCount)).ToArray();
        B1 = Enumerable.Range(0, Hidden).Select(_ => (float)(random.NextDouble() * 0.2 - 0.1)).ToArray();
        W2 = Enumerable.Range(0, Hidden).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    public sealed class Row
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
        [VectorType(1)]
        public float[] TeacherLogits { get; set; } = [];
    }

    /// <summary>Rows [start, start + count), generated lazily (nothing is held).</summary>
    public static IEnumerable<Row> Generate(long start, long count)
    {
        var row = new Row { Features = new float[FeatureCount], TeacherLogits = new float[1] };
        for (long r = start; r < start + count; r++)
        {
            // Each row's stream starts at a hashed point of the sequence, so rows share no runs of values.
            ulong seed = (ulong)r;
            ulong state = (ulong)(Next(ref seed) * ulong.MaxValue);
            for (int j = 0; j < FeatureCount; j++)
                row.Features[j] = (float)(Next(ref state) * 2 - 1);
            float clean = 0;
            for (int h = 0; h < Hidden; h++)
            {
                float z = B1[h];
                for (int j = 0; j < FeatureCount; j++) z += W1[h * FeatureCount + j] * row.Features[j];
                clean += W2[h] * MathF.Tanh(z);
            }
            row.Label = clean + (float)(Next(ref state) - 0.5) * 0.5f;
            row.TeacherLogits[0] = clean + (float)(Next(ref state) - 0.5) * 0.1f;
            yield return row;
        }
    }

    /// <summary>Writes <paramref name="rows"/> rows as an ML.NET binary file (written under a temporary name, then renamed).</summary>
    public static void WriteBinary(MLContext ml, string path, long rows)
    {
        var data = ml.Data.LoadFromEnumerable(Generate(0, rows));
        string temporary = path + ".partial";
        using (var stream = File.Create(temporary))
            ml.Data.SaveAsBinary(data, stream);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>SplitMix64: a uniform double in [0, 1).</summary>
    private static double Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
    }
}
