using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>A model under evaluation (implementation in progress).</summary>
internal sealed class ScoredModel
{
    public static ScoredModel FromTransformer(ITransformer model) => throw new NotImplementedException();
    public static ScoredModel FromTeacher(MLContext mlContext, Teacher teacher, DataViewSchema inputSchema) => throw new NotImplementedException();
}
