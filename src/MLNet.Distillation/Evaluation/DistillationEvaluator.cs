using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>Measures models on one data set (implementation in progress).</summary>
internal sealed class DistillationEvaluator
{
    private readonly MLContext _mlContext;
    private readonly IDataView _data;
    private readonly EvaluationOptions _options;

    public DistillationEvaluator(MLContext mlContext, IDataView data, EvaluationOptions options)
    {
        _mlContext = mlContext;
        _data = data;
        _options = options;
    }

    public DistillationEvaluation Compare(ScoredModel teacher, ScoredModel student) => throw new NotImplementedException($"{_mlContext}{_data}{_options}{teacher}{student}");
    public ModelEvaluation Measure(ScoredModel model, string name) => throw new NotImplementedException($"{model}{name}");
}
